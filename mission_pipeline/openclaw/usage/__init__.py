"""Token usage of every model call in an OpenClaw state directory (`read.read_usage_events`).

`events` is the record a call becomes, `call` what one assistant call is, `schema` the line fields
both parsers read (`parse` fast, `parse_checked` thorough), `agent_reader` the lines of one agent's
store part (the stores of `transcripts` say what to read, and in which order: see `read`),
`window` the time window of a read. Plain Python, no Dagster.
"""
