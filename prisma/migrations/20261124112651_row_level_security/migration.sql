-- Row-level security: the second, database-side lock on per-user isolation (issue 4 §3).
-- Written by hand: Prisma's schema language cannot express roles or policies, and its drift check
-- does not see them. The API runs every request's queries as the role `taskgate_api` inside a
-- transaction that sets `app.user_id` to the verified caller (api/src/row-level-security.ts):
--   SELECT set_config('role', 'taskgate_api', true), set_config('app.user_id', <caller>, true)
-- Owners and superusers bypass RLS, so the API switches to this role, which owns nothing. The web
-- tier (Better Auth) keeps the owner connection and is not affected.

-- Roles are cluster-wide: create it once, tolerate a concurrent migration of another database on the
-- same server creating it at the same moment, and say what to do when we may not create roles.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'taskgate_api') THEN
    CREATE ROLE taskgate_api NOLOGIN NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'cannot create role taskgate_api: %', SQLERRM
      USING HINT = 'As a superuser, run: CREATE ROLE taskgate_api NOLOGIN; GRANT taskgate_api TO ' || quote_ident(current_user) || '; then migrate again.';
END
$$;

-- The connecting user must be allowed to SET ROLE taskgate_api (superusers always are).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'taskgate_api', 'MEMBER') THEN
    EXECUTE format('GRANT taskgate_api TO %I', current_user);
  END IF;
END
$$;

-- Exactly what the API needs, nothing on session, account, verification or jwks.
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO taskgate_api', current_schema());
END
$$;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "task" TO taskgate_api;
GRANT SELECT ON TABLE "user" TO taskgate_api;

-- A task is visible and writable only when its owner is the caller; with app.user_id unset (NULL, or
-- '' once set earlier in the session) nothing matches. Not FORCEd: the owner (migrations, Better Auth's
-- cascading user deletion) is meant to bypass.
ALTER TABLE "task" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "task_select_own" ON "task" FOR SELECT TO taskgate_api
  USING ("ownerId" = NULLIF(current_setting('app.user_id', true), ''));

CREATE POLICY "task_insert_own" ON "task" FOR INSERT TO taskgate_api
  WITH CHECK ("ownerId" = NULLIF(current_setting('app.user_id', true), ''));

CREATE POLICY "task_update_own" ON "task" FOR UPDATE TO taskgate_api
  USING ("ownerId" = NULLIF(current_setting('app.user_id', true), ''))
  WITH CHECK ("ownerId" = NULLIF(current_setting('app.user_id', true), ''));

CREATE POLICY "task_delete_own" ON "task" FOR DELETE TO taskgate_api
  USING ("ownerId" = NULLIF(current_setting('app.user_id', true), ''));

-- The API reads only the caller's own user row (me, user(id:), Task.owner).
ALTER TABLE "user" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "user_select_self" ON "user" FOR SELECT TO taskgate_api
  USING ("id" = NULLIF(current_setting('app.user_id', true), ''));
