"""The `rapport` command: demo, serve, worker, migrate, and Django's own commands."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    execute_from_command_line(["rapport", *args])


def serve(port: int | None = None, with_worker: bool = True) -> int:
    """Run the web process (waitress) and, beside it, one worker process."""
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from rapport.core.maintenance import refresh_planner_statistics

    refresh_planner_statistics()
    port = port or settings.PORT
    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "rapport.cli", "worker"])
    print(
        f"Rapport is running on http://127.0.0.1:{port}/  (Ctrl+C stops it)", flush=True
    )
    try:
        from waitress import serve as waitress_serve

        from rapport.wsgi import application

        waitress_serve(
            application,
            host=os.environ.get("RAPPORT_HOST", "127.0.0.1"),
            port=port,
            threads=8,
            ident="rapport",
        )
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def worker() -> int:
    """Run the Huey consumer: outbox delivery, jobs and periodic tasks."""
    _manage(
        "run_huey",
        "--workers",
        os.environ.get("RAPPORT_WORKERS", "2"),
        "--worker-type",
        "thread",
        # Huey logs every task it runs (four lines a minute for the periodic
        # ones alone) through a handler of its own; Rapport's services log the
        # state changes that matter, so the consumer only reports problems.
        "--quiet",
    )
    return 0


def demo(reset: bool = False, serve_after: bool = True, size: str = "full") -> int:
    """Migrate, load the demo company once, print the log-ins and start serving."""
    data_dir = Path(os.environ.get("RAPPORT_DATA_DIR", Path.cwd() / "var")).resolve()
    if reset and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["RAPPORT_DATA_DIR"] = str(data_dir)
    _django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", size=size)
    if serve_after:
        return serve()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="rapport", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    p_demo = sub.add_parser("demo", help="load the demo company and start serving")
    p_demo.add_argument(
        "--reset", action="store_true", help="start from an empty data directory"
    )
    p_demo.add_argument(
        "--no-serve", action="store_true", help="load the data, then stop"
    )
    p_demo.add_argument("--size", choices=["full", "small"], default="full")
    p_serve = sub.add_parser("serve", help="run the web process and a worker")
    p_serve.add_argument("--port", type=int)
    p_serve.add_argument("--no-worker", action="store_true")
    sub.add_parser("worker", help="run a worker process")
    sub.add_parser("migrate", help="create or upgrade the database tables")

    known = {"demo", "serve", "worker", "migrate", "-h", "--help"}
    if not argv or argv[0] not in known:
        _manage(*argv)  # passthrough to Django's management commands
        return 0
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(reset=args.reset, serve_after=not args.no_serve, size=args.size)
    if args.command == "serve":
        return serve(port=args.port, with_worker=not args.no_worker)
    if args.command == "worker":
        return worker()
    if args.command == "migrate":
        _manage("migrate")
        return 0
    parser.print_help()
    return 1


if __name__ == "__main__":
    sys.exit(main())
