export interface User {
  readonly id: bigint;
  readonly email: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A user as JSON: the 64-bit id as a decimal string (it exceeds 2^53). */
export interface UserJson {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function toJson(user: User): UserJson {
  return {
    id: String(user.id),
    email: user.email,
    name: user.name,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** The lookup index's key: one account per address, whatever its letter case. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}
