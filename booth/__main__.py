"""`python -m booth` runs the command line."""

from booth.entry import main

if __name__ == "__main__":
    main()
