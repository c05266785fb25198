"""`python -m booth` runs the command line."""

from booth.cli import main

if __name__ == "__main__":
    main()
