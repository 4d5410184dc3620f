-- Rate-limit state need not outlive a PostgreSQL crash (budgets then start whole again), so it
-- is written without WAL: a consume commits without waiting for a disk flush, and is not
-- replicated to standbys (after a failover, budgets start whole too).
ALTER TABLE "rate_limits" SET UNLOGGED;
