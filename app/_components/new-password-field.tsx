import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/auth/password-rules";
import { Field } from "./field";

/**
 * The field where a new password is chosen (registration, password change): the browser's
 * password manager offers a strong one (`new-password`), and the length limits are the rules'.
 */
export function NewPasswordField({ name, label, hint, error }: { name: string; label: string; hint: string; error: string | null }) {
  return (
    <Field
      name={name}
      type="password"
      label={label}
      hint={hint}
      autoComplete="new-password"
      required
      minLength={PASSWORD_MIN}
      maxLength={PASSWORD_MAX}
      error={error}
    />
  );
}
