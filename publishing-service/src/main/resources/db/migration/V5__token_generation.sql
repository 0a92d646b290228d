-- What publishing keeps of a token's generation (the generation events of its job): the hash the
-- generation ran with (the seed of its draws; the token hash, unless the generator changed it) and
-- the failure code of a failed generation. The drawn variables go to tokens.attributes.
ALTER TABLE tokens
    ADD COLUMN generation_hash  text,
    ADD COLUMN failure_code     text;
