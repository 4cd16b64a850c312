"""The build, one direction: load -> validate -> patch -> IR -> plugins -> render -> format -> write."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from typing import TYPE_CHECKING

from . import __version__
from .config import BuildConfig, validate_config
from .errors import EXIT_FILESYSTEM, EXIT_PLUGIN, BuildError, Diagnostic, filesystem_error
from .load import LoadedSchema, load_schema
from .quick_check import files_digest, is_up_to_date, record
from .write import (
    CheckResult, Manifest, as_bytes, check_output, distribution_version, on_disk_matches, sha256_bytes, write_output,
)

if TYPE_CHECKING:
    from .background import BackgroundChecks
    from .context import OutputFile, PatchReport
    from .plugin_host import PluginHost
    from .ir import IR

# The stages after "load" import their heavy dependencies (openapi-spec-validator, jinja2,
# black) when they run, so that an up-to-date rebuild costs little more than hashing.


@dataclass
class BuildResult:
    output: Path
    files: dict[str, bytes] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    check: CheckResult | None = None
    up_to_date: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    ir: IR | None = None


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._last, 4)
        self._last = now


def fingerprint(loaded: LoadedSchema, config: BuildConfig, host: PluginHost) -> str:
    """Everything the output depends on. Equal fingerprints and an intact output = nothing to do."""
    return _output_fingerprint(generator_fingerprint(config, host), loaded.sha256)


def _output_fingerprint(generator_print: str, schema_sha256: str) -> str:
    return hashlib.sha256(f"{generator_print}\n{schema_sha256}\n".encode()).hexdigest()


def generator_fingerprint(config: BuildConfig, host: PluginHost) -> str:
    """Everything but the schema: the generator's and plugins' code and the configuration."""
    return _generator_fingerprint(config, host)[0]


def _generator_fingerprint(config: BuildConfig, host: PluginHost) -> tuple[str, list[str], str]:
    """The fingerprint, the files and folders it read, and their digest (for `quick_check`)."""
    digest = hashlib.sha256()
    digest.update(f"cvat-gen {__version__}\n{config.package}\n{config.format} {config.format_all}\n{config.version}\n".encode())
    digest.update(repr((config.disable, config.plugin_order, config.stale_patches, sorted(config.options.items()))).encode())
    inputs: list[str] = []
    for overlay in config.overlays:
        digest.update(overlay.encode())
        inputs.append(overlay)
    inputs.extend(config.template_dirs)
    roots: set[Path] = {Path(__file__).parent}
    for info in host.ordered(config.plugin_order):
        digest.update(f"{info.name} {info.source} {info.order} {info.disabled}\n".encode())
        plugin = host.objects.get(info.name)
        module = sys.modules.get(getattr(plugin, "__module__", "") or "") if not isinstance(plugin, ModuleType) else plugin
        file = getattr(module, "__file__", None)
        if file:
            path = Path(file)
            roots.add(path.parent if path.name == "__init__.py" else path)
    # a folder inside another (the built-in plugins of a regular install, inside cvat_gen/) is
    # hashed with it, once
    inputs.extend(str(root) for root in sorted(roots)
                  if not any(root != other and root.is_relative_to(other) for other in roots))
    inputs_sha256 = files_digest(inputs)
    digest.update(inputs_sha256.encode())
    return digest.hexdigest(), inputs, inputs_sha256


class Build:
    def __init__(self, config: BuildConfig, extra_plugins: Iterable[tuple[str, Any]] = (),
                 checks: BackgroundChecks | None = None) -> None:
        """`checks`: the background process, when the caller forked it already (early, while
        this process is small: a fork of a big process costs the parent a copy of every page
        it writes afterwards)."""
        from dataclasses import replace

        from .context import BuildContext
        from .plugin_host import load_plugins
        from .plugin_options import resolve_options

        validate_config(config)
        self.host = load_plugins(config.disable, extra_plugins)
        options = resolve_options(self.host.option_declarations, set(self.host.infos), config.plugin_options)
        self.config = config = replace(config, options=options)
        self.context = BuildContext(config)
        self.timer = _Timer()
        self._parsed: Any = None  # syntax.ParsedCache, set by render()
        self._to_parse: dict[str, str] | None = None  # the files that skip black, once rendered
        self._emit_worker: Any = None  # emit._Worker: parses the Python it emitted
        self._worker_files: dict[str, str] = {}
        self._validation_done = False
        self.checks: BackgroundChecks | None = None
        self._forked_checks = checks

    def _call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        return self.host.call(hook, self.config.plugin_order, **kwargs)

    def load(self, schema: bytes | None = None) -> LoadedSchema:
        """`schema`: its bytes, when the quick check read them already."""
        self._call("cvatgen_configure", context=self.context)
        self.context.diagnostics.raise_if_errors()
        try:
            loaded = load_schema(self.config.schema, schema)
        except BuildError as exc:
            if self.config.schema_is_default and not Path(self.config.schema).exists():
                raise BuildError(Diagnostic("", f"no schema was given and the default one, {self.config.schema}, "
                                                "does not exist: pass --schema FILE_OR_URL (for example "
                                                "http://your-cvat-server/api/schema/?scheme=json), or set "
                                                "schema in [tool.cvat-gen]", source="config")) from exc
            raise
        raw_info = loaded.document.get("info")
        info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
        self.context.schema_source = self.config.schema
        self.context.schema_hash = loaded.sha256
        self.context.schema_title = str(info.get("title", ""))
        self.context.schema_version = str(info.get("version", ""))
        self.timer.lap("load")
        return loaded

    def prepare(self, loaded: LoadedSchema) -> dict[str, Any]:
        """Check, patch, then validate what the later stages will see: the patched document.
        The full spec validation runs in the background: call `finish_validation()` before
        using the result."""
        from .background import BackgroundChecks
        from .validate import check_local, check_refs

        document = loaded.document
        # the child readies its validator while we patch
        checks = self._forked_checks or BackgroundChecks(self.config.cache_root)
        self._forked_checks = None
        try:
            check_local(document, self.context.diagnostics)  # patches need a sound structure to work on
            self._call("cvatgen_patch_schema", schema=document, context=self.context)
            self.context.diagnostics.raise_if_errors()
            self.timer.lap("patch")
            # An overlay can break the schema as easily as fix it (`type: strnig`): the validators
            # see the patched document, with the server's own problems and the patches' alike.
            check_refs(document, self.context.diagnostics)
            self.context.diagnostics.raise_if_errors()
        except BaseException:
            checks.close()
            raise
        checks.submit_document(document)
        self.checks = checks
        self.timer.lap("validate (started)")
        return document

    def finish_validation(self, keep_syntax: bool = False) -> None:
        """Wait for the spec validation; its errors stop the build (before anything is written).
        With `keep_syntax`, a syntax check already handed over goes on (`finish_checks()`
        waits for it); otherwise it is waited for too."""
        checks = self.checks
        if checks is None:
            return
        if self._to_parse is not None and not keep_syntax:  # rendered: a syntax answer is due
            self.finish_checks()
            return
        try:
            self._wait_for_validation(checks)
        except BaseException:
            self.close_checks()
            raise
        if self._to_parse is None:
            self.close_checks()

    def finish_checks(self) -> None:
        """Wait for both background checks: the validation, then the generated code's syntax."""
        checks = self.checks
        if checks is None:
            return
        try:
            self._wait_for_validation(checks)
            if self._to_parse is not None:
                self._judge_syntax(checks)
        finally:
            self.close_checks()
        self.timer.lap("checks (waited)")

    def _judge_syntax(self, checks: BackgroundChecks | None) -> None:
        """The parse of the rendered Python that skips black: the emit worker's for the files
        it emitted (unless a finalize hook changed them), the background child's for the rest,
        or, without a child, this process's. Its first error stops the build; otherwise what
        parsed is remembered for the next build."""
        from .format import FormatError
        from .syntax import SyntaxReport, check

        final = self._to_parse or {}
        theirs = {path for path, source in self._worker_files.items() if final.get(path) == source}
        report = SyntaxReport()
        if checks is not None:
            report.extend(checks.syntax_report())
        else:
            report.extend(check(self._parsed.jobs({p: s for p, s in final.items() if p not in theirs})))
        worker, self._emit_worker = self._emit_worker, None
        if worker is not None:
            answer = worker.syntax()
            if answer is None:  # the worker did not answer: parse its files here, as it would have
                answer = check(self._parsed.jobs({path: final[path] for path in theirs}))
            report.errors.extend(e for e in answer.errors if e[0] in theirs)
            report.whole |= answer.whole & theirs
        error = report.first_error(among=final)
        if error is not None:
            raise _invalid_code(FormatError(*error))
        self._parsed.remember(final, report.whole)

    def _wait_for_validation(self, checks: BackgroundChecks) -> None:
        if self._validation_done:
            return
        self._validation_done = True
        self.context.diagnostics.items[:0] = checks.validation()
        self.timer.lap("validate (waited)")
        self.context.diagnostics.raise_if_errors()

    def close_checks(self) -> None:
        """End the background processes, answered or not (a build can stop at any stage)."""
        if self._emit_worker is not None:
            self._emit_worker.close()
            self._emit_worker = None
        if self._forked_checks is not None:
            self._forked_checks.close()
            self._forked_checks = None
        if self.checks is not None:
            self.checks.close()
            self.checks = None

    def make_ir(self, document: dict[str, Any]) -> IR:
        from .build_ir import build_ir

        ir, sink = build_ir(document, self.context.schema_hash, self.config.package)
        self.context.diagnostics.items.extend(sink.items)
        transformed = False
        for name, result in self._call_chain(ir):
            ir, transformed = result, True
        if transformed:  # what users see follows what the transforms made of names and types
            from .ir_build.surface import with_surface

            ir = with_surface(ir)
        self.context.diagnostics.raise_if_errors()
        self.timer.lap("ir")
        return ir

    def validated_ir(self, document: dict[str, Any]) -> IR:
        """The IR, once the background validation has answered: an invalid schema explains a
        failure of the IR stage, so its errors are reported first."""
        try:
            ir = self.make_ir(document)
        except BaseException:
            self.finish_validation()
            raise
        self.finish_validation()
        return ir

    def _call_chain(self, ir: IR) -> Iterable[tuple[str, IR]]:
        from .ir import IR
        from .plugin_host import call_hook

        for name, function, argnames in self.host.impls("cvatgen_transform_ir", self.config.plugin_order):
            values = {"ir": ir, "context": self.context}
            result = call_hook(name, "cvatgen_transform_ir", function, {a: values[a] for a in argnames})
            if result is None:
                continue
            if not isinstance(result, IR):
                raise BuildError(Diagnostic("", f"plugin {name!r}: cvatgen_transform_ir returned "
                                                f"{type(result).__name__}, not an IR", source="plugins"),
                                 exit_code=EXIT_PLUGIN)
            ir = result
            yield name, ir

    def render(self, ir: IR) -> dict[str, bytes]:
        from .emit import emit_files
        from .format import FormatError, Formatter
        from .render import Renderer
        from .syntax import ParsedCache

        dirs = [Path(d) for d in self.config.template_dirs]
        for _, extra in self._call("cvatgen_template_dirs", context=self.context):
            dirs.extend(Path(d) for d in extra or [])
        self.context.renderer = Renderer(dirs, self.config.cache_root)
        # What black would have refused must not be written either. The files that skip black
        # are parsed in the background process when there is one, handed over as each plugin
        # emits them (answered before anything is renamed into place).
        self._parsed = parsed = ParsedCache(self.config.cache_dir)
        checks = self.checks
        handed_over: dict[str, str] = {}

        def hand_over(batch: list[OutputFile]) -> None:
            sources = {f.path: f.content for f in batch
                       if isinstance(f.content, str) and self._skips_black(f) and handed_over.get(f.path) != f.content}
            handed_over.update(sources)
            if checks is not None:
                checks.submit_sources(parsed.jobs(sources))

        if checks is not None:
            checks.sent()  # the emit worker is forked next
        emitted = emit_files(self.host, self.config.plugin_order, ir, self.context, self._skips_black, parsed,
                             hand_over)
        files = emitted.files
        self._emit_worker, self._worker_files = emitted.worker, emitted.worker_files
        handed_over.update(emitted.worker_files)  # parsed by the worker
        self._call("cvatgen_finalize", files=files, ir=ir, context=self.context)
        self.context.diagnostics.raise_if_errors()
        hand_over(files)  # what a finalize hook added or changed
        self.timer.lap("render")
        to_format = {f.path: f.content for f in files if f.is_python and f.format_python
                     and isinstance(f.content, str) and not self._skips_black(f)}
        self._to_parse = {f.path: f.content for f in files if isinstance(f.content, str) and self._skips_black(f)}
        formatter = Formatter(self.config.cache_dir, self.config.jobs)
        if checks is None:  # no background process (the validation was waited for already)
            self._judge_syntax(None)
        try:
            formatted = formatter.format_all(to_format)
        except FormatError as exc:
            raise _invalid_code(exc) from None
        self.timer.lap("format")
        self.context.extras["format_cache"] = {"hits": formatter.hits, "misses": formatter.misses}
        return {f.path: as_bytes(formatted.get(f.path, f.content)) for f in files}

    def _skips_black(self, file: OutputFile) -> bool:
        """Python that is written as emitted (its template declares black's layout), so only
        parsed; the rest of the Python goes through black, whose parser checks it."""
        if not (file.is_python and file.format_python and isinstance(file.content, str)):
            return False
        declared = getattr(file.content, "black_formatted", False)
        return not (self.config.format and (self.config.format_all or not declared))


def _invalid_code(exc: Exception) -> BuildError:
    return BuildError(Diagnostic("", f"generated code is not valid Python ({exc}); "
                                     "this is a bug in a plugin or template", source="format"),
                      exit_code=EXIT_PLUGIN)


def run_build(config: BuildConfig, check: bool = False, extra_plugins: Iterable[tuple[str, Any]] = ()) -> BuildResult:
    extra_plugins = tuple(extra_plugins)
    quick = not check and not extra_plugins  # plugins passed in as objects leave no files to hash
    validate_config(config)  # before anything is forked or read
    schema_read: list[bytes] = []  # what the quick check read of the schema, not read again
    if quick:
        started = time.perf_counter()
        if is_up_to_date(config, schema_read):
            return BuildResult(output=config.output, up_to_date=True,
                               timings={"up-to-date check (quick)": round(time.perf_counter() - started, 4)})
    from .background import BackgroundChecks

    checks = BackgroundChecks(config.cache_root)  # forked while this process is small
    try:
        build = Build(config, extra_plugins, checks)
    except BaseException:
        checks.close()
        raise
    try:
        return _run_build(build, config, check, quick, schema_read[0] if schema_read else None)
    finally:
        build.close_checks()  # whichever way the build ended, the child must not linger


def _run_build(build: Build, config: BuildConfig, check: bool, quick: bool, schema: bytes | None) -> BuildResult:
    loaded = build.load(schema)
    result = BuildResult(output=config.output)
    generator_print, inputs, inputs_sha256 = _generator_fingerprint(config, build.host)
    print_fingerprint = _output_fingerprint(generator_print, loaded.sha256)
    if not check:
        previous = Manifest.read(config.output)
        if previous and previous.fingerprint == print_fingerprint and on_disk_matches(config.output, previous):
            result.up_to_date = True
            build.timer.lap("up-to-date check")
            result.timings = build.timer.timings
            if quick:
                record(config, loaded.sha256, print_fingerprint, inputs, inputs_sha256)
            return result
    document = build.prepare(loaded)
    try:
        ir = build.make_ir(document)
        files = build.render(ir)
    except BaseException:
        build.finish_validation()  # an invalid schema explains a later failure: say that first
        raise
    result.ir = ir
    result.files = files
    if check:
        build.finish_checks()
        result.warnings = build.context.diagnostics.warnings
        result.check = check_output(config.output, files, loaded.sha256, generator_print)
    else:
        plugins = tuple(f"{info.name} [{info.source}]" for info in build.host.ordered(config.plugin_order)
                        if not info.disabled)
        manifest = Manifest(__version__, loaded.sha256, print_fingerprint,
                            {path: sha256_bytes(data) for path, data in files.items()}, generator_print,
                            distribution_version(files), build.context.schema_version, plugins)
        # an invalid schema stops the build before any folder is made
        build.finish_validation(keep_syntax=True)
        try:
            # the files are staged while the background checks finish; an error there
            # removes the staged files and leaves the old output as it was
            result.stats = write_output(config.output, files, manifest, before_commit=build.finish_checks)
        except OSError as exc:  # permission, read-only filesystem, disk full: one line, status 4
            raise BuildError(filesystem_error(exc), exit_code=EXIT_FILESYSTEM) from exc
        finally:
            build.close_checks()  # a failure while staging: the child must not linger
        result.warnings = build.context.diagnostics.warnings
        build.timer.lap("write")
        if quick:
            record(config, loaded.sha256, print_fingerprint, inputs, inputs_sha256)
    result.timings = build.timer.timings
    return result


def run_ir(config: BuildConfig, extra_plugins: Iterable[tuple[str, Any]] = ()) -> IR:
    build = Build(config, extra_plugins)
    return build.validated_ir(build.prepare(build.load()))


def run_patches(config: BuildConfig) -> list[PatchReport]:
    build = Build(config)
    loaded = build.load()
    from .validate import validate_document

    validate_document(loaded.document, build.context.diagnostics)
    reports: list[PatchReport] = []
    for _, result in build._call("cvatgen_describe_patches", schema=loaded.document, context=build.context):
        reports.extend(result or [])
    return reports
