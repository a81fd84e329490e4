"""The start-up baseline: a Typer hello-world.

    python bench/hello_typer.py [--name NAME]
"""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
