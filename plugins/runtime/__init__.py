"""Built-in plugin: the parts of the SDK that don't depend on the schema.

`files/` holds real, tested Python modules (ApiClient, Configuration, rest, exceptions,
model_utils). They are copied verbatim, behind the generated-file header. This plugin also
writes the package `__init__.py`, `py.typed` and the output's `pyproject.toml`.
"""

from __future__ import annotations

from pathlib import Path

from cvat_gen.plugin_api import BuildContext, OutputFile
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR

CVATGEN_ORDER = 30
# its files depend on the IR alone: rendered in the emit worker, beside the docs (cvat_gen.emit)
CVATGEN_EMIT_IN_WORKER = True
FILES = Path(__file__).parent / "files"
RUNTIME_MODULES = (
    "api_client.py",
    "call_rules.py",
    "configuration.py",
    "decoding.py",
    "downloads.py",
    "endpoint.py",
    "exceptions.py",
    "model_utils.py",
    "multipart.py",
    "options.py",
    "rest.py",
    "retries.py",
    "serialization.py",
    "sockets.py",
    "spec.py",
    "validation.py",
)
# Runtime sources that become a subpackage: (source in files/, path in the output package).
RUNTIME_PACKAGES = (("model_package.py", "model/__init__.py"),)


def distribution_version(ir: IR) -> str:
    """A PEP 440 version from the schema's 'info.version' ('2.70.0 (2.0)' -> '2.70.0')."""
    import re

    match = re.match(r"\d+(\.\d+){0,3}", ir.version.strip())
    return match.group(0) if match else "0.0.0"


@hookimpl
def cvatgen_emit_files(ir: IR, context: BuildContext) -> list[OutputFile]:
    base = context.package_path
    files = []
    for name in RUNTIME_MODULES:
        source = (FILES / name).read_text(encoding="utf-8")
        files.append(OutputFile(f"{base}/{name}", f"# {context.header}\n{source}", format_python=False))
    for name, target in RUNTIME_PACKAGES:
        source = (FILES / name).read_text(encoding="utf-8")
        files.append(OutputFile(f"{base}/{target}", f"# {context.header}\n{source}", format_python=False))
    version = context.config.version or distribution_version(ir)  # config/--version override the server's
    files.append(OutputFile(f"{base}/__init__.py", context.render("runtime/__init__.py.j2", ir=ir, version=version)))
    files.append(OutputFile(f"{base}/py.typed", ""))
    top = context.package.split(".")[0]
    files.append(OutputFile("pyproject.toml", context.render(
        "runtime/pyproject.toml.j2", ir=ir, version=version, top=top,
        dist_name=context.package.replace(".", "-").replace("_", "-") + "-generated")))
    return files
