"""``python -m gcdiag`` runs the command-line tool."""

from gcdiag.cli import main

if __name__ == "__main__":
    main()
