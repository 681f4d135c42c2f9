import { isExpired, passesLuhn } from "@shop/payment-card";
import { idempotencyKeySchema, storableTextSchema } from "@shop/service-kit";
import { z } from "zod";

/** Messages for a re-rendered form, keyed by the form field they belong next to. */
export type FieldErrors = Readonly<Record<string, string>>;

/** The result of checking a submitted form: its typed values, or a message per bad field. */
export type FormResult<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly errors: FieldErrors };

/** A submitted text of at most `max` characters that PostgreSQL can store: a NUL byte is refused, not passed on. */
export const storableText = (max: number) => storableTextSchema.max(max, `must be at most ${max} characters`);

const wholeNumber = (message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, message)
    .transform(Number);

/** A cart line quantity: a whole number from 1 to 99. */
export const quantityField = wholeNumber("Enter a whole number from 1 to 99").pipe(
  z.number().min(1, "Quantity must be at least 1").max(99, "Quantity can be at most 99"),
);

export const quantityFormSchema = z.object({ quantity: quantityField });

/** The checkout form, with the expiry checked against `now`. */
export function checkoutFormSchema(now: Date) {
  return z
    .object({
      // The key is a hidden field we wrote: if it comes back altered, the schema's own words would mean nothing here.
      idempotencyKey: z
        .string()
        .refine(
          (key) => idempotencyKeySchema.safeParse(key).success,
          "This form was changed after it was sent to you, so we did not use it. Please enter your card again.",
        ),
      cardNumber: z
        .string()
        .transform((value) => value.replace(/[\s-]/g, ""))
        .pipe(
          z
            .string()
            .regex(/^\d{12,19}$/, "Enter the 12 to 19 digits of the card number")
            .refine(passesLuhn, "This card number is not valid; please check it"),
        ),
      expMonth: wholeNumber("Enter the expiry month as a number from 1 to 12").pipe(
        z
          .number()
          .min(1, "Enter the expiry month as a number from 1 to 12")
          .max(12, "Enter the expiry month as a number from 1 to 12"),
      ),
      expYear: z
        .string()
        .trim()
        .regex(/^(\d{2}|\d{4})$/, "Enter the expiry year, e.g. 2030")
        .transform((value) => (value.length === 2 ? 2000 + Number(value) : Number(value))),
      cvc: z
        .string()
        .trim()
        .regex(/^\d{3,4}$/, "Enter the 3 or 4 digit security code from the back of the card"),
      holder: z.string().trim().min(1, "Enter the name on the card").max(100, "The name can be at most 100 characters"),
    })
    .superRefine((form, context) => {
      if (isExpired(form.expMonth, form.expYear, now)) {
        context.addIssue({ code: "custom", path: ["expYear"], message: "This card has expired" });
      }
    });
}

export type CheckoutForm = z.infer<ReturnType<typeof checkoutFormSchema>>;

/** Checks `input` against `schema`, keeping the first message for each field. */
export function checkForm<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
