"""`bundle-ls migrate`: in-code OpenMRS metadata (DBUnit datasets, Metadata Sharing packages)
to Initializer CSV folders and a MIGRATION.md report.

sources.py finds the files in load order; xmlsafe.py reads XML with entities off;
dbunit.py and mds.py turn them into table rows and apply DBUnit REFRESH; build.py joins the
tables into the entity model (model.py) and settles every row's outcome (ledger.py);
writers.py writes one CSV per Initializer domain; report.py writes MIGRATION.md; run.py ties
them together and checks the output; cli.py is the command line.
"""

from .build import Options
from .run import MigrationResult, OutputError, run
from .sources import SourceError

__all__ = ["MigrationResult", "Options", "OutputError", "SourceError", "run"]
