"""The `cvat-gen` command line.

Every failure is printed as one located line, never a traceback (unless `--traceback`), and
the exit status says what kind of failure it was (see EXIT_STATUS_HELP).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import BuildConfig, load_config
from .errors import (
    EXIT_FILESYSTEM, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_PLUGIN, BuildError, filesystem_error,
)

F = TypeVar("F", bound=Callable[..., Any])


def _config_options(function: F) -> F:
    options = [
        click.option("--schema", "-s", help="Schema file (JSON or YAML) or http(s) URL."),
        click.option("--package", "-p", help="Dotted name of the generated package."),
        click.option("--overlay", "overlays", multiple=True, help="Extra OpenAPI Overlay file (repeatable)."),
        click.option("--disable-plugin", "disable", multiple=True, help="Plugin to skip (repeatable)."),
        click.option("--stale-patches", type=click.Choice(["error", "warning"]), default=None,
                     help="What an overlay action that matches nothing is."),
        click.option("--template-dir", "template_dirs", multiple=True,
                     help="Folder of templates that override the built-in ones (repeatable)."),
        click.option("--plugin-option", "plugin_options", multiple=True, metavar="PLUGIN.KEY=VALUE",
                     help="Set an option a plugin declares (repeatable; overrides [tool.cvat-gen.plugins.*])."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _make_config(output: str | None = None, **cli: Any) -> BuildConfig:
    config = load_config()
    overrides: dict[str, Any] = {}
    if cli.get("schema"):
        overrides["schema"] = cli["schema"]
        overrides["schema_is_default"] = False
    if cli.get("package"):
        overrides["package"] = cli["package"]
    if output:
        overrides["output"] = Path(output)
    if cli.get("overlays"):
        overrides["overlays"] = tuple(config.overlays) + tuple(cli["overlays"])
    if cli.get("disable"):
        overrides["disable"] = tuple(config.disable) + tuple(cli["disable"])
    if cli.get("stale_patches"):
        overrides["stale_patches"] = cli["stale_patches"]
    if cli.get("template_dirs"):
        overrides["template_dirs"] = tuple(cli["template_dirs"]) + tuple(config.template_dirs)
    if cli.get("jobs"):
        overrides["jobs"] = cli["jobs"]
    if cli.get("plugin_options"):
        from .config import parse_plugin_option
        from .plugin_options import CommandLineValue

        merged = {name: dict(values) for name, values in config.plugin_options.items()}
        for text in cli["plugin_options"]:
            name, key, value = parse_plugin_option(text)
            merged.setdefault(name, {})[key] = CommandLineValue(value)
        overrides["plugin_options"] = merged
    if cli.get("format_all"):
        overrides["format_all"] = True
    if cli.get("cache_dir"):
        overrides["cache_dir"] = Path(cli["cache_dir"])
    return config.with_overrides(**overrides)


def _fail(exc: BuildError) -> None:
    """Commands hand their BuildError to `main`, which prints it once and sets the status."""
    raise exc


EXIT_STATUS_HELP = """\b
Exit status:
  0    success
  1    --check or diff --fail-on found differences
  2    bad input: schema, config, overlay, options
  3    a plugin or template failed (one line naming the plugin and hook)
  4    filesystem: permission, read-only, disk full
  130  interrupted"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_STATUS_HELP)
@click.version_option(__version__, prog_name="cvat-gen")
@click.option("--traceback", is_flag=True, help="Print the full traceback of a failure (for bug reports).")
def cli(traceback: bool) -> None:
    """Generate the low-level CVAT Python SDK (cvat_sdk.api_client) from a server schema."""


@cli.command()
@_config_options
@click.option("--output", "-o", help="Output folder (an installable distribution).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the output is not current.")
@click.option("--jobs", "-j", type=int, default=None, help="Formatter processes (default: all cores).")
@click.option("--cache-dir", default=None, help="Where formatted files are cached.")
@click.option("--format", "format_all", is_flag=True,
              help="Run black on every generated file, also those whose templates declare black's layout.")
@click.option("--quiet", "-q", is_flag=True)
@click.option("--version", "dist_version", default=None,
              help="Version of the generated distribution (PEP 440); default: the server release.")
def build(output: str | None, check: bool, quiet: bool, dist_version: str | None, **cli_options: Any) -> None:
    """Build the SDK into the output folder (or check that it is current)."""
    from .pipeline import run_build

    try:
        config = _make_config(output, **cli_options)
        if dist_version:
            config = config.with_overrides(version=dist_version)
        result = run_build(config, check=check)
    except BuildError as exc:
        _fail(exc)
        return
    for warning in result.warnings:
        if not quiet:
            click.echo(warning.format(), err=True)
    if check:
        assert result.check is not None
        click.echo(result.check.summary())
        sys.exit(0 if result.check.current else 1)
    if quiet:
        return
    if result.up_to_date:
        click.echo(f"{config.output}: up to date")
    else:
        stats = result.stats
        restored = stats.get("restored", [])
        click.echo(f"{config.output}: {len(result.files)} files ({stats.get('written', 0)} new, "
                   f"{stats.get('updated', 0)} updated, {len(restored)} restored, "
                   f"{stats.get('unchanged', 0)} unchanged, {stats.get('removed', 0)} removed; "
                   f"{stats.get('user_files', 0)} user entries left alone)")
        for path in restored:
            click.echo(f"  restored (was edited by hand): {path}")


@cli.command("ir")
@_config_options
def ir_command(**cli_options: Any) -> None:
    """Print the IR (what the plugins see) as stable, sorted JSON."""
    from .pipeline import run_ir

    try:
        ir = run_ir(_make_config(**cli_options))
    except BuildError as exc:
        _fail(exc)
        return
    click.echo(ir.to_json())


@cli.command()
@click.option("--disable-plugin", "disable", multiple=True)
def plugins(disable: tuple[str, ...]) -> None:
    """List the plugins in the order they run, with where each comes from."""
    from .plugin_host import load_plugins

    try:
        config = load_config()
        host = load_plugins(tuple(config.disable) + disable)
    except BuildError as exc:
        _fail(exc)
        return
    for index, info in enumerate(host.ordered(config.plugin_order), 1):
        state = " (disabled)" if info.disabled else ""
        click.echo(f"{index:2}. {info.name}{state}  [order {info.order}]  {info.source}")
        for key, option in sorted(host.option_declarations.get(info.name, {}).items()):
            click.echo(f"      option {key} ({option.type.__name__}, default {option.default!r}): {option.help}")


@cli.command()
@_config_options
def patches(**cli_options: Any) -> None:
    """List every schema patch and whether each action applies to the schema."""
    from .pipeline import run_patches

    try:
        reports = run_patches(_make_config(**cli_options))
    except BuildError as exc:
        _fail(exc)
        return
    for report in reports:
        state = "applies" if report.in_range else f"skipped (server versions {report.version_range})"
        click.echo(f"{report.source}: {report.title} [{state}]")
        for action in report.actions:
            mark = action.mark
            note = f" [{action.note}]" if action.note and not action.applies else ""
            click.echo(f"  {mark:5} {action.kind:6} {action.target}  ({action.matches} match"
                       f"{'es' if action.matches != 1 else ''}) {action.description}{note}")


def _diff_options(function: F) -> F:
    """What `build` takes that changes the prepared schema: both sides get the same."""
    options = [
        click.option("--package", "-p", default=None, help="Dotted name of the generated package."),
        click.option("--overlay", "overlays", multiple=True, help="Extra OpenAPI Overlay file (repeatable)."),
        click.option("--disable-plugin", "disable", multiple=True, help="Plugin to skip (repeatable)."),
        click.option("--stale-patches", type=click.Choice(["error", "warning"]), default=None,
                     help="What an overlay action that matches nothing is."),
        click.option("--scope", type=click.Choice(["all", "api", "sdk"]), default="all",
                     help="api: the HTTP API; sdk: the generated Python SDK; all: both."),
        click.option("--no-cache", is_flag=True, help="Prepare both schemas again instead of using the cache."),
        click.option("--output", "-o", "output_file", default=None, help="Write to this file instead of stdout."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _run_diff(old: str, new: str, scope: str, no_cache: bool, **cli_options: Any) -> Any:
    from .diff import run_diff

    base = _make_config(**cli_options)
    scopes = ("api", "sdk") if scope == "all" else (scope,)
    return run_diff(base.with_overrides(schema=old), base.with_overrides(schema=new), scopes, use_cache=not no_cache)


def _emit(text: str, output_file: str | None) -> None:
    if output_file:
        try:
            Path(output_file).write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"{output_file}: cannot write: {exc.strerror or exc}", err=True)
            sys.exit(2)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("old")
@click.argument("new")
@_diff_options
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "markdown", "json", "githubactions", "junit"]),
              default="text", help="Output format (text is coloured on a terminal).")
@click.option("--fail-on", type=click.Choice(["ERR", "WARN", "INFO"], case_sensitive=False), default=None,
              help="Exit 1 when a finding is at or above this level.")
def diff(old: str, new: str, fmt: str, fail_on: str | None, scope: str, no_cache: bool,
         output_file: str | None, **cli_options: Any) -> None:
    """Report what changed between two schemas (files or URLs): the HTTP API and the
    generated SDK, each finding with a rule id (docs/diff-rules.md) and a level."""
    from .diff.formats import exit_code, render

    try:
        report = _run_diff(old, new, scope, no_cache, **cli_options)
    except BuildError as exc:
        _fail(exc)
        return
    level = fail_on.upper() if fail_on else None
    colour = fmt == "text" and output_file is None
    _emit(render(report, fmt, colour=colour, fail_on=level or "ERR"), output_file)
    sys.exit(exit_code(report, level))


@cli.command()
@click.argument("old")
@click.argument("new")
@_diff_options
@click.option("--title", default=None, help="Heading of the section (default: names the new server release).")
def changelog(old: str, new: str, title: str | None, scope: str, no_cache: bool, output_file: str | None,
              **cli_options: Any) -> None:
    """Write a markdown release-notes section (Breaking, Deprecated, Added, Changed) with the
    semver bump the changes suggest."""
    from .diff.changelog import changelog as make_changelog

    try:
        report = _run_diff(old, new, scope, no_cache, **cli_options)
    except BuildError as exc:
        _fail(exc)
        return
    _emit(make_changelog(report, title), output_file)


def _print_traceback(exc: BaseException) -> None:
    import traceback

    traceback.print_exception(exc.__cause__ or exc, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and turn every outcome into one of the documented exit statuses."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    try:
        result = cli.main(args=args, prog_name="cvat-gen", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_INPUT)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: unknown option, bad value
        exc.show()
        return EXIT_INPUT
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except BuildError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.format(), err=True)
        if show_traceback and exc.__cause__ is not None:
            _print_traceback(exc)
        elif exc.exit_code == EXIT_PLUGIN and exc.__cause__ is not None:
            click.echo("(run `cvat-gen --traceback ...` to see where)", err=True)
        return exc.exit_code
    except OSError as exc:  # anything the filesystem refused that no stage turned into a BuildError
        if show_traceback:
            _print_traceback(exc)
        click.echo(filesystem_error(exc).format(), err=True)
        return EXIT_FILESYSTEM
    except Exception as exc:  # a bug in cvat-gen itself: still one line, and a way to see more
        if show_traceback:
            _print_traceback(exc)
        click.echo(f"error: internal: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
                   "(a bug in cvat-gen; run `cvat-gen --traceback ...` and report it)", err=True)
        return EXIT_PLUGIN
