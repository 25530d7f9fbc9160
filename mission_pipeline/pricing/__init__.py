"""Model prices (a TOML data file shipped in the package) and the cost arithmetic built on them."""
