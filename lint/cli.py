"""The local command line: ``python -m lint [PATH ...]``.

Exit codes: 0 nothing reaches the failure threshold, 1 something does, 2 the tool itself failed
(bad option, missing path, hadolint missing or failing, a crashed rule). Findings are still
printed in every case where there are any.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from lint import __version__, engine
from lint.config import LEVELS, THRESHOLDS, ConfigError, Overrides, load
from lint.discovery import discover
from lint.run import MAX_FILE_SIZE, LintOptions, LintResult, lint_files

FORMATS = ("tty", "json", "sarif", "github")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m lint",
        description="Lint Dockerfiles with hadolint plus dockerfile-review's DC rules.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    p.add_argument("--format", "-f", choices=FORMATS, default="tty")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here, not stdout")
    p.add_argument("--config", "-c", metavar="FILE", help="hadolint config file")
    p.add_argument(
        "--failure-threshold", "-t", choices=THRESHOLDS, default=None,
        help="lowest severity that fails the run (default: warning, or the config's)",
    )
    p.add_argument("--no-fail", action="store_true", default=None, help="always exit 0 on findings")
    p.add_argument("--target", metavar="STAGE", help="the stage that ships (default: the last)")
    p.add_argument("--context", metavar="DIR",
                   help="build context (default: the Dockerfile's directory)")
    p.add_argument("--ignore", action="append", metavar="CODE", help="ignore a rule (repeatable)")
    for level in LEVELS:
        p.add_argument(f"--{level}", action="append", metavar="CODE", dest=f"level_{level}",
                       help=f"make a rule {level} (repeatable)")
    p.add_argument("--trusted-registry", action="append", metavar="REGISTRY")
    p.add_argument("--disable-ignore-pragma", action="store_true", default=None,
                   help="ignore inline `# hadolint ignore=` pragmas")
    p.add_argument("--include", action="append", default=[], metavar="GLOB")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    p.add_argument("--no-recursive", action="store_true", help="do not descend into directories")
    p.add_argument("--root", metavar="DIR", help="paths are reported relative to this (default: .)")
    p.add_argument("--max-file-size", type=int, default=MAX_FILE_SIZE, metavar="BYTES")
    p.add_argument("--pin-exempt", action="append", default=[], metavar="IMAGE",
                   help="images DC301 does not ask to pin by digest (glob, repeatable)")
    p.add_argument("--hadolint-all-stages", action="store_true",
                   help="keep hadolint's DL3002/DL3057 for every stage, not only the shipped one")
    p.add_argument("--no-color", action="store_true")
    p.add_argument("--version", action="version", version=f"dockerfile-review {__version__}")
    return p


def overrides_from(args: argparse.Namespace) -> Overrides:
    return Overrides(
        config_file=Path(args.config) if args.config else None,
        ignored=tuple(args.ignore) if args.ignore else None,
        override={lvl: tuple(getattr(args, f"level_{lvl}")) for lvl in LEVELS
                  if getattr(args, f"level_{lvl}")},
        failure_threshold=args.failure_threshold,
        trusted_registries=tuple(args.trusted_registry) if args.trusted_registry else None,
        no_fail=True if args.no_fail else None,
        disable_ignore_pragma=True if args.disable_ignore_pragma else None,
    )


def render(fmt: str, result: LintResult, color: bool) -> str:
    if fmt == "json":
        from lint.sinks import jsonout

        return jsonout.render(result.findings)
    if fmt == "sarif":
        from lint.sinks import sarif

        return sarif.dumps(sarif.render(result.findings, {
            p: d.text for p, d in result.dockerfiles.items()
        }))
    if fmt == "github":
        from lint.sinks import annotations

        return "".join(line + "\n" for line in annotations.render(result.findings))
    from lint.sinks import text

    return text.render(result.findings, color=color)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    root = Path(args.root or ".").resolve()
    overrides = overrides_from(args)
    try:
        config = load(Path.cwd(), os.environ, overrides)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = discover(args.paths or ["."], root, args.include, args.exclude,
                     recursive=not args.no_recursive)
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    options = LintOptions(
        overrides=overrides,
        target=args.target,
        context=Path(args.context).resolve() if args.context else None,
        max_file_size=args.max_file_size,
        pin_exempt=tuple(args.pin_exempt),
        hadolint_all_stages=args.hadolint_all_stages,
    )
    result = lint_files(found.files, config, options)
    errors = found.errors + result.errors
    color = (args.format == "tty" and not args.output and not args.no_color
             and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    report = render(args.format, result, color)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        return 2
    return 1 if engine.exceeds(result.findings, config) else 0
