"""Import from files and other CRMs: readers, mappings (presets and suggestions), import runs.

    from pulso.ingest import import_files
    result = import_files(store, ["Opportunity.csv"], mapping="salesforce")
"""

from pulso.ingest.mapping import Mapping, MappingError, load_mapping, parse_mapping, presets
from pulso.ingest.readers import ReadError, open_source
from pulso.ingest.runlog import (ImportFailed, ImportResult, RowError, UnknownRun, list_runs, run_errors,
                                 write_error_report, write_reject_file)
from pulso.ingest.runs import import_files
from pulso.ingest.suggest import detect_mapping, suggest_mapping, suggestions

__all__ = [
    "ImportFailed", "ImportResult", "Mapping", "MappingError", "ReadError", "RowError", "UnknownRun", "detect_mapping",
    "import_files", "list_runs", "load_mapping", "open_source", "parse_mapping", "presets", "run_errors",
    "suggest_mapping", "suggestions", "write_error_report", "write_reject_file",
]
