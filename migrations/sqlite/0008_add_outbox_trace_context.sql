-- The trace of the request that asked for each job (W3C traceparent/tracestate as a JSON object), so the worker's
-- spans join it.
ALTER TABLE outbox ADD COLUMN trace_context TEXT NOT NULL DEFAULT '{}';
