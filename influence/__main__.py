"""``python -m influence`` runs the CLI."""

from influence_cli import cli

if __name__ == "__main__":
    cli()
