"""``polisee serve``: the web platform with uvicorn (the schema is upgraded on start)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from polisee.cli import _console

__all__ = ["app"]

app = typer.Typer(help="Run the web platform.")


@app.callback(invoke_without_command=True)
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the platform; settings come from the POLISEE_ environment."""
    _console.err_console.print(f"polisee on http://{host}:{port}/")
    # The CLI never imports the web layer: uvicorn builds the app from its import path.
    uvicorn.run("polisee.web.app:app_from_environment", factory=True, host=host, port=port)
