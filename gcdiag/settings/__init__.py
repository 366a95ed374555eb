"""Settings: the one option table, the identities and the precedence flags > environment > profile > defaults."""
