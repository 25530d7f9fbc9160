"""The migration that gave every raw row its gateway keeps every row of today's tables as it was."""

from psycopg import sql

from mission_pipeline.gateways import DEFAULT_GATEWAY
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.migrations import apply_migrations, load_migrations
from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.defs.test_gateways import GATEWAY_OF, JOBS
from mission_pipeline_tests.fixtures.postgres import query

GATEWAY_MIGRATION = "gateway_of_every_raw_row"


def columns_of(target: DatabaseTarget, table: str) -> list[str]:
    rows = query(
        target,
        "select column_name from information_schema.columns where table_schema = 'public'"
        " and table_name = %s order by ordinal_position",
        (table,),
    )
    return [name for (name,) in rows]


def every_row(target: DatabaseTarget, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    statement = sql.SQL("select {c} from {t} order by {c}").format(c=names, t=sql.Identifier(table))
    return query(target, statement.as_string())


def test_the_gateway_migration_keeps_every_row(project: ProjectRuns, empty_database: DatabaseTarget) -> None:
    # Today's rows, as the pipeline writes them, in a database at the schema before the migration.
    project.use_sample("v2026.9.6")
    for job in JOBS:
        assert project.run(job, partition="2026-11-27" if job.startswith("usage") else None).success
    migrations = load_migrations()
    (position,) = [i for i, m in enumerate(migrations) if GATEWAY_MIGRATION in m.name]
    apply_migrations(empty_database, migrations[:position])
    for table in GATEWAY_OF:
        before = columns_of(empty_database, table)
        assert every_row(project.database, table, before), f"{table}: no rows to migrate proves nothing"
        names = sql.SQL(", ").join(map(sql.Identifier, before))
        out = sql.SQL("copy (select {c} from {t}) to stdout").format(t=sql.Identifier(table), c=names)
        into = sql.SQL("copy {t} ({c}) from stdin").format(t=sql.Identifier(table), c=names)
        with (
            project.database.connect() as source,
            source.cursor() as read,
            read.copy(out) as dump,
            empty_database.connect() as target,
            target.cursor() as write,
            write.copy(into) as load,
        ):
            for block in dump:
                load.write(block)

    apply_migrations(empty_database, migrations)

    for table, marker in GATEWAY_OF.items():
        after = columns_of(empty_database, table)
        assert every_row(empty_database, table, after) == every_row(project.database, table, after), table
        if marker == "gateway_id":
            assert query(empty_database, f"select distinct gateway_id from {table}") == [(DEFAULT_GATEWAY,)]
