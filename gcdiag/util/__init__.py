"""Small helpers with no knowledge of Genesys or of gcdiag's stages; any layer may import them."""
