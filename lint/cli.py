"""The local command line: ``dockerfile-review [PATH ...]`` (also ``python -m lint``).

Exit codes: 0 nothing reaches the failure threshold, 1 something does, 2 the tool itself failed
(bad option, missing path, hadolint missing or failing, a crashed rule). Findings are still
printed in every case where there are any, except as SARIF: ``--format sarif`` writes nothing
(and removes the ``--output`` file an earlier run left) when the run failed or a file was not
fully linted, and exits 2, since an uploaded SARIF file that lacks findings closes their alerts.

Paths named on the command line resolve against the working directory. Findings carry paths
relative to ``--root``; a file named explicitly that lies outside it is still linted, under its
absolute path (a ``file:`` URI in SARIF). Nothing the user names passes silently: it is linted or
it is an error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from lint import __version__, catalog, engine
from lint.config import LEVELS, THRESHOLDS, ConfigError, Overrides, load
from lint.discovery import discover
from lint.rules import BY_CODE
from lint.run import MAX_FILE_SIZE, LintOptions, LintResult, lint_files

FORMATS = ("tty", "json", "sarif", "github")
PROG = "dockerfile-review"
EPILOG = """\
Options that take a list are repeatable and take comma lists (--ignore DC101,DL3008).
Rule codes are case-insensitive.

With --format sarif, a run that failed or could not fully lint a file (hadolint failed on it,
or a DC002/DC003 finding) writes no SARIF at all and removes the --output file an earlier run
left: code scanning closes every alert an uploaded SARIF file lacks.

exit codes:
  0  nothing reaches the failure threshold
  1  a finding reaches the failure threshold
  2  the tool itself failed (a bad option or code, a missing path, hadolint missing), or
     --format sarif could not lint every file completely (no SARIF written)"""

#: What a rule code looks like: two letters and four digits (DL3008, SC2164) or DC and three.
CODE_FORMAT = re.compile(r"[A-Za-z]{2}\d{4}|[Dd][Cc]\d{3}")


class UsageError(Exception):
    """A command-line value that cannot be used (exit code 2)."""


def byte_count(value: str) -> int:
    """``--max-file-size``: a whole number of bytes, 0 or more."""
    try:
        count = int(value)
    except ValueError:
        count = -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"not a number of bytes: {value!r}")
    return count


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Lint Dockerfiles with hadolint plus dockerfile-review's DC rules.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories, from the working directory (default: .)")
    p.add_argument("--format", "-f", choices=FORMATS, default="tty")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write the report here, not stdout (missing folders are created)")
    p.add_argument("--config", "-c", metavar="FILE", help="hadolint config file")
    p.add_argument(
        "--failure-threshold", "-t", choices=THRESHOLDS, default=None,
        help="lowest severity that fails the run (default: warning, or the config's)",
    )
    p.add_argument("--no-fail", action="store_true", default=None, help="always exit 0 on findings")
    p.add_argument("--target", metavar="STAGE", help="the stage that ships (default: the last)")
    p.add_argument("--context", metavar="DIR",
                   help="build context (default: the Dockerfile's directory)")
    p.add_argument("--ignore", action="append", metavar="CODE", help="ignore rules")
    for level in LEVELS:
        p.add_argument(f"--{level}", action="append", metavar="CODE", dest=f"level_{level}",
                       help=f"make rules {level}")
    p.add_argument("--trusted-registry", action="append", metavar="REGISTRY")
    p.add_argument("--disable-ignore-pragma", action="store_true", default=None,
                   help="ignore inline `# hadolint ignore=` pragmas")
    p.add_argument("--include", action="append", default=[], metavar="GLOB")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    p.add_argument("--no-recursive", action="store_true", help="do not descend into directories")
    p.add_argument("--root", metavar="DIR",
                   help="findings' paths are relative to this; a named file outside it is "
                        "reported by its absolute path (default: .)")
    p.add_argument("--max-file-size", type=byte_count, default=MAX_FILE_SIZE, metavar="BYTES")
    p.add_argument("--pin-exempt", action="append", default=[], metavar="IMAGE",
                   help="images DC301 does not ask to pin by digest (globs)")
    p.add_argument("--hadolint-all-stages", action="store_true",
                   help="keep hadolint's DL3002/DL3057 for every stage, not only the shipped one")
    p.add_argument("--no-color", action="store_true")
    p.add_argument("--version", action="version", version=f"dockerfile-review {__version__}")
    return p


def split(values: Sequence[str] | None) -> tuple[str, ...]:
    """Repeated options and comma lists as one list (empty items dropped)."""
    return tuple(item.strip() for value in values or () for item in value.split(",")
                 if item.strip())


def known_code(code: str) -> bool:
    """A code some rule reports: one of our DC rules, hadolint's DL rules, or any ShellCheck
    SC code (ShellCheck has hundreds; its list is not kept here)."""
    return code in BY_CODE or code in catalog.HADOLINT or code.startswith("SC")


def codes(values: Sequence[str] | None, option: str, warnings: list[str]) -> tuple[str, ...]:
    """Rule codes from the command line, upper-cased; a malformed one is a ``UsageError``, an
    unknown one a warning."""
    out = []
    for code in split(values):
        if not CODE_FORMAT.fullmatch(code):
            raise UsageError(f"{option}: {code!r} is not a rule code (such as DC101, DL3008, "
                             "SC2164)")
        code = code.upper()
        if not known_code(code):
            warnings.append(f"{option}: unknown rule code {code}")
        out.append(code)
    return tuple(dict.fromkeys(out))


def overrides_from(args: argparse.Namespace, warnings: list[str] | None = None) -> Overrides:
    warnings = [] if warnings is None else warnings
    ignored = codes(args.ignore, "--ignore", warnings)
    override = {lvl: codes(getattr(args, f"level_{lvl}"), f"--{lvl}", warnings)
                for lvl in LEVELS}
    trusted = split(args.trusted_registry)
    return Overrides(
        config_file=Path(args.config) if args.config else None,
        ignored=ignored or None,
        override={lvl: found for lvl, found in override.items() if found},
        failure_threshold=args.failure_threshold,
        trusted_registries=trusted or None,
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

    return text.render(result.findings, color=color) + text.summary(result.findings,
                                                                    len(result.files))


def directory(value: str, option: str) -> Path:
    path = Path(value)
    if not path.exists():
        raise UsageError(f"{option}: directory not found: {value}")
    if not path.is_dir():
        raise UsageError(f"{option}: not a directory: {value}")
    return path.resolve()


def stage_errors(result: LintResult, target: str | None) -> list[str]:
    """``--target`` naming no stage of a file that names its stages."""
    if not target:
        return []
    out = []
    for path, df in result.dockerfiles.items():
        names = [s.name for s in df.stages if s.name]
        if not names or df.stage_named(target) is not None:
            continue
        if target.isdigit() and int(target) < len(df.stages):
            continue
        out.append(f"--target: {path} has no stage {target!r} (its stages: {', '.join(names)})")
    return out


def write(report: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(report)
        return
    path = Path(output)
    if path.is_dir():
        raise UsageError(f"--output: {output} is a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--output: cannot write {output}: {exc.strerror or exc}") from None


def clear(output: str | None) -> bool:
    """Remove the report an earlier run left at ``output`` (a symlink itself, never its
    target). Returns whether there was one."""
    if not output:
        return False
    path = Path(output)
    try:
        if path.is_symlink() or path.is_file():
            path.unlink()
            return True
    except OSError as exc:
        raise UsageError(f"--output: cannot remove {output}: {exc.strerror or exc}") from None
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _main(args)
    except (UsageError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _main(args: argparse.Namespace) -> int:
    warnings: list[str] = []
    root = directory(args.root, "--root") if args.root else Path.cwd().resolve()
    context = directory(args.context, "--context") if args.context else None
    if args.output and Path(args.output).is_dir():
        raise UsageError(f"--output: {args.output} is a directory")
    overrides = overrides_from(args, warnings)
    config = load(Path.cwd(), os.environ, overrides, known=known_code)
    warnings += config.warnings
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    # Paths the user names are theirs, from the working directory, whatever the root.
    found = discover(args.paths or ["."], root, split(args.include), split(args.exclude),
                     recursive=not args.no_recursive, named_outside=True, base=Path.cwd())
    linted = {f.disk.resolve() for f in found.files}
    for raw in args.paths:
        if Path(raw).is_file() and Path(raw).resolve() not in linted:
            found.notes.append(f"skipped {raw}: --exclude matches it")
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    options = LintOptions(
        overrides=overrides,
        target=args.target,
        context=context,
        max_file_size=args.max_file_size,
        pin_exempt=split(args.pin_exempt),
        hadolint_all_stages=args.hadolint_all_stages,
    )
    result = lint_files(found.files, config, options)
    errors = found.errors + result.errors + stage_errors(result, args.target)
    color = (args.format == "tty" and not args.output and not args.no_color
             and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    if args.format == "sarif" and (errors or result.incomplete):
        # An incomplete SARIF log would close the alerts of what was not linted.
        removed = clear(args.output)
        for path, why in sorted(result.incomplete.items()):
            print(f"error: {path} was not fully linted: {why}", file=sys.stderr)
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        print("error: incomplete run: no SARIF written"
              + (f" (removed the earlier {args.output})" if removed else ""), file=sys.stderr)
        return 2
    write(render(args.format, result, color), args.output)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        return 2
    return 1 if engine.exceeds(result.findings, config) else 0
