"""Operating the pipeline: failure alerts and run retention."""
