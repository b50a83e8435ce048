"""``python -m lab``: the command line, as the ``lab`` script runs it."""

from lab.cli.main import run

if __name__ == "__main__":
    run()
