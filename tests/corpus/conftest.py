"""The real OpenMRS configuration corpus, read in place from the folder named by the
environment variable BUNDLE_LS_CORPUS (`.ci/run` sets it to ../shared/corpus).

Unset: the corpus tests are skipped, with the reason. Set but missing: they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bundle_ls.batch.runner import CheckResult, check_directory

CORPUS_ENV = "BUNDLE_LS_CORPUS"

# Each corpus repository and its Initializer configuration folder (corpus README).
REPOS = {
    "PIH__openmrs-config-zl": "configuration",
    "openmrs__openmrs-content-referenceapplication-demo": "configuration/backend_configuration",
    "openmrs__openmrs-content-referenceapplication": "configuration/backend_configuration",
    "palladiumkenya__openmrs-config-kenyaemr": "configuration",
    "MSF-OCG__LIME-EMR": "distro/configs/openmrs/initializer_config",
    "Bahmni__clinic-config": "masterdata/configuration",
    "csaude__openmrs-distro-sesp": "build/backend/configuration",
    "ozone-his__ozone": "distro/configs/openmrs/initializer_config",
}


def corpus_root() -> Path:
    value = os.environ.get(CORPUS_ENV)
    if not value:
        pytest.skip(f"{CORPUS_ENV} is not set; the real-configuration corpus tests need it")
    # Resolved: the check reports each project's root resolved (no `..` in it).
    root = Path(value).resolve()
    if not root.is_dir():
        pytest.fail(f"{CORPUS_ENV}={value} is not a folder; the corpus tests cannot run")
    missing = [r for r in REPOS if not (root / r).is_dir()]
    if missing:
        pytest.fail(f"{CORPUS_ENV}={value} lacks {', '.join(missing)}")
    return root


def pytest_terminal_summary(terminalreporter) -> None:
    """Say, once, that the corpus tests did not run and how to run them."""
    if not os.environ.get(CORPUS_ENV):
        terminalreporter.write_line(
            f"The corpus tests were skipped: {CORPUS_ENV} is not set "
            f"(e.g. {CORPUS_ENV}=../shared/corpus make test; see the README)."
        )


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_root()


@pytest.fixture(scope="session")
def corpus_results(corpus: Path) -> dict[str, tuple[CheckResult, float]]:
    """Every corpus repository checked once from its root: result and seconds taken."""
    import time

    out = {}
    for repo in REPOS:
        start = time.perf_counter()
        result = check_directory(corpus / repo, jobs=1)
        out[repo] = (result, time.perf_counter() - start)
    return out
