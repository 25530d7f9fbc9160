"""mission-pipeline: OpenClaw gateway state into Supabase tables for Mission Control."""
