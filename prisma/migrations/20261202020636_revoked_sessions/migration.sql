-- CreateTable
CREATE TABLE "revoked_session" (
    "sessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "revokedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "keepUntil" TIMESTAMPTZ(3) NOT NULL,
    "seq" BIGSERIAL NOT NULL,

    CONSTRAINT "revoked_session_pkey" PRIMARY KEY ("sessionId")
);

-- CreateIndex
CREATE UNIQUE INDEX "revoked_session_seq_key" ON "revoked_session"("seq");

-- CreateIndex
CREATE INDEX "revoked_session_keepUntil_idx" ON "revoked_session"("keepUntil");

-- Every revocation is announced to the API processes listening on this channel (the push used on
-- PostgreSQL without Redis), whoever inserted it: the web tier at sign-out, or an operator by hand.
-- The payload is the token contract's RevocationMessage (shared/src/token-contract.ts). NOTIFY is
-- delivered at COMMIT, so a rolled-back insert announces nothing.
CREATE FUNCTION "revoked_session_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskgate_revoked_sessions', json_build_object(
    'sessionId', NEW."sessionId",
    'keepUntil', (extract(epoch FROM NEW."keepUntil") * 1000)::bigint,
    'seq', NEW."seq"
  )::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "revoked_session_notify" AFTER INSERT ON "revoked_session"
  FOR EACH ROW EXECUTE FUNCTION "revoked_session_notify"();
