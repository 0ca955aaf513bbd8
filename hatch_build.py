"""Build hook: compiles the C extensions, each the faster twin of a Python path.

- bundle_ls._yamlfast (server/bundle_ls/_native/yamlfast.c): the YAML parser's tree builder.
  libyaml is the copy inside ruamel.yaml.clib (a dependency), found at run time.
- bundle_ls._walkfast (server/bundle_ls/_native/walkfast.c): the module-schema walk of a
  config item and its plain value.

They need only a C compiler and Python's headers. An editable install (`pip install -e .`)
builds them beside the Python modules; a wheel carries them and gets a platform tag. Without
a compiler, or on Windows, the build goes on without them and bundle-ls runs the Python
paths (the same results, slower); so does an install with BUNDLE_LS_BUILD_NATIVE=0.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# (source, module, what runs in Python without it)
EXTENSIONS = [
    ("server/bundle_ls/_native/yamlfast.c", "bundle_ls/_yamlfast", "YAML is parsed in Python"),
    (
        "server/bundle_ls/_native/walkfast.c",
        "bundle_ls/_walkfast",
        "config items are walked in Python",
    ),
]


def _warn(message: str) -> None:
    print(f"bundle-ls: {message}", file=sys.stderr)


def compile_extension(source: Path, target: Path, without: str) -> bool:
    """Compile `source` into the extension module `target`; False (and why) when it cannot.
    `without`: what runs instead, for the warning."""
    if os.name != "posix":
        _warn(f"C extensions are built here only on POSIX systems; {without}")
        return False
    include = sysconfig.get_paths()["include"]
    ldshared = sysconfig.get_config_var("LDSHARED")
    if not ldshared or not Path(include, "Python.h").is_file():
        _warn(f"no Python headers to compile {source.name} against; {without}")
        return False
    cmd = [
        *shlex.split(ldshared),
        "-fPIC",
        "-O2",
        f"-I{include}",
        str(source),
        "-o",
        str(target),
    ]
    if sys.platform.startswith("linux"):
        cmd.append("-ldl")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _warn(f"cannot run the C compiler ({exc}); {without}")
        return False
    if done.returncode != 0:
        _warn(f"compiling {source.name} failed; {without}:\n{done.stderr.strip()}")
        return False
    return True


class NativeExtensionsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("BUNDLE_LS_BUILD_NATIVE") == "0":
            return
        for source, module, without in EXTENSIONS:
            name = module + sysconfig.get_config_var("EXT_SUFFIX")
            if version == "editable":  # the package is imported from the source tree
                compile_extension(
                    Path(self.root) / source, Path(self.root) / "server" / name, without
                )
                continue
            target = Path(tempfile.mkdtemp(prefix="bundle-ls-native-")) / Path(name).name
            if compile_extension(Path(self.root) / source, target, without):
                build_data["force_include"][str(target)] = name
                build_data["pure_python"] = False
                build_data["infer_tag"] = True
