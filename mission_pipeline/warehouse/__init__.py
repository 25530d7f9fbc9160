"""The Postgres side: connection target (Supabase or embedded), migrations and the Dagster IO manager."""
