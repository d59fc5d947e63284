-- Examples know the user who created them. Rows made before accounts existed have no owner: only admins may
-- change those. No foreign key: users arrive in the next migration, and the owner is checked by the use cases.
ALTER TABLE examples ADD COLUMN owner_id uuid;

-- Serves "the examples of this user" and the ownership check on write.
CREATE INDEX examples_by_owner ON examples (owner_id) WHERE owner_id IS NOT NULL;
