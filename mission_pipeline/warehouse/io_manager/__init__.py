"""A Postgres IO manager for pandas: every output is one transaction, COPYed and merged chunk by chunk.

An asset returns a DataFrame, or a `TableOutput` streaming its rows as chunks, and declares in its
metadata how its table is written (`write_mode`: replace_partition, upsert or sync; see
`write_modes`). The modules, in the order an output goes through them:

- `manager`: the Dagster IO manager; reads the spec and the partition, and hands the work on.
- `catalog`: what the database says the table looks like; `partition_window`: which rows a
  partition covers.
- `encode` (`encode_binary`): each chunk as COPY data, binary where the values plainly fit.
- `merge`: stages each chunk (`stage`) and merges it (`merge_statements`) in a writer thread
  (`overlap`) while the asset builds the next; at the end removes what the output no longer has.
- `read`: what `load_input` selects.

A failure anywhere rolls back the whole output: the table keeps its previous rows.
"""

from mission_pipeline.warehouse.io_manager.manager import PostgresPandasIOManager
from mission_pipeline.warehouse.io_manager.table_output import TableOutput

__all__ = ["PostgresPandasIOManager", "TableOutput"]
