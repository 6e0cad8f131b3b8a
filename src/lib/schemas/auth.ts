import * as v from 'valibot';
import { emailAddress, requiredText } from './text';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

const email = emailAddress('Enter your email address.');

const newPassword = v.pipe(
	v.string(),
	v.minLength(
		MIN_PASSWORD_LENGTH,
		`Use at least ${MIN_PASSWORD_LENGTH} characters for the password.`
	),
	v.maxLength(
		MAX_PASSWORD_LENGTH,
		`Use at most ${MAX_PASSWORD_LENGTH} characters for the password.`
	)
);

export const signUpFields = ['name', 'email', 'password'] as const;
export const signUpSchema = v.object({
	name: requiredText(100, 'Enter your name.', 'Use at most 100 characters for your name.'),
	email,
	password: newPassword
});

export const signInFields = ['email', 'password'] as const;
export const signInSchema = v.object({
	email,
	password: v.pipe(
		v.string(),
		v.nonEmpty('Enter your password.'),
		v.maxLength(MAX_PASSWORD_LENGTH, 'That password is too long.')
	)
});

export const changePasswordFields = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
export const changePasswordSchema = v.pipe(
	v.object({
		currentPassword: v.pipe(v.string(), v.nonEmpty('Enter your current password.')),
		newPassword,
		confirmPassword: v.string()
	}),
	v.forward(
		v.check(
			(input) => input.newPassword === input.confirmPassword,
			'The two new passwords differ.'
		),
		['confirmPassword']
	)
);

export const forgotPasswordFields = ['email'] as const;
export const forgotPasswordSchema = v.object({ email });

export const resetPasswordFields = ['newPassword', 'confirmPassword'] as const;
export const resetPasswordSchema = v.pipe(
	v.object({ newPassword, confirmPassword: v.string() }),
	v.forward(
		v.check((input) => input.newPassword === input.confirmPassword, 'The two passwords differ.'),
		['confirmPassword']
	)
);
