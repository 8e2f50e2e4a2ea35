export interface User {
  readonly id: bigint;
  readonly email: string;
  readonly name: string;
  readonly createdAt: Date;
}

/** A user as JSON: the 64-bit id as a decimal string (it exceeds 2^53). */
export interface UserJson {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: string;
}

export function toJson(user: User): UserJson {
  return { id: String(user.id), email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
}
