"""Readers that turn benchmark result files into ``BenchmarkRow``s.

Structural problems (not JSON, a field of the wrong type) raise ``ImportFormatError`` naming the row and field,
and nothing is written. Rows that are well-formed but unusable (unknown model or GPU, a duplicate) are skipped
and counted with their reason.
"""

from knowledge.importers.common import ImportOptions, ParsedRow, detect_and_parse

__all__ = ["ImportOptions", "ParsedRow", "detect_and_parse"]
