-- Cost as the provider bills it, traceable to a rate: prompt-size tiers, provider-billed totals and
-- where every price came from.
--
-- agent_usage_by_model: one row per agent, day, model and price tier, so each row has one set of
-- rates and can name it. agent_usage (the dashboard's table) keeps its columns; its cache_write_cost
-- holds both kinds of cache write.
alter table public.agent_usage_by_model
  add column if not exists price_tier text not null default 'all prompts',
  add column if not exists cache_write_1h_tokens bigint not null default 0,
  add column if not exists computed_cost numeric(20, 10),
  add column if not exists billed_calls integer not null default 0,
  add column if not exists billed_cost numeric(20, 10),
  add column if not exists cost_origin text,
  add column if not exists price_source text,
  add column if not exists price_effective_from date,
  add column if not exists input_rate numeric(20, 10),
  add column if not exists output_rate numeric(20, 10),
  add column if not exists cache_read_rate numeric(20, 10),
  add column if not exists cache_write_rate numeric(20, 10),
  add column if not exists cache_write_1h_rate numeric(20, 10);
alter table public.agent_usage_by_model drop constraint if exists agent_usage_by_model_pkey;
alter table public.agent_usage_by_model add primary key (agent_id, date, model, price_tier);

comment on table public.agent_usage_by_model is
  'agent_usage split by model and price tier; costs are null where no price table knows the model.';
comment on column public.agent_usage_by_model.price_tier is
  'The prompt-size tier whose rates priced these calls: "all prompts", "prompt <= N", "prompt > N", '
  'or "unpriced".';
comment on column public.agent_usage_by_model.total_cost is
  'What the calls cost: the provider-billed total where the provider reported one, else computed_cost.';
comment on column public.agent_usage_by_model.computed_cost is
  'input_cost + output_cost + cache_read_cost + cache_write_cost, from the rates in the *_rate columns.';
comment on column public.agent_usage_by_model.cost_origin is
  '"computed", "provider-billed" (every call) or "mixed"; null when unpriced.';
comment on column public.agent_usage_by_model.price_source is
  'The table the rates came from: prices.toml (or the PRICING_FILE), or "genai-prices <version>".';
