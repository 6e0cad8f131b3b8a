/**
 * Mail, through SMTP (`nodemailer`), when SMTP_URL and MAIL_FROM are set; without them nothing
 * is sent and each screen that would mail a link shows it to copy instead (`isMailConfigured`).
 *
 * Every message has a plain-text part, and an HTML part only when the caller writes one; no
 * images, so no tracking pixels. Sending happens after the answer to the request that caused it
 * (`sendLater`): an answer that waited for the mail server would take longer exactly when an
 * address exists, which tells a stranger which addresses have accounts.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { readConfig, type MailConfig } from './config';
import { moduleLogger } from './logger';

const log = moduleLogger('mail');

export interface Mail {
	to: string;
	subject: string;
	/** The plain-text body: what every client shows. */
	text: string;
}

let settings: { config: MailConfig | undefined; transport: Transporter | undefined } | undefined;

function mailSettings() {
	if (!settings) {
		const config = readConfig().mail;
		settings = {
			config,
			transport: config ? nodemailer.createTransport(config.url) : undefined
		};
	}
	return settings;
}

export function isMailConfigured(): boolean {
	return mailSettings().config !== undefined;
}

/** Sends one message; rejects when the mail server refuses it or cannot be reached. */
export async function send(mail: Mail): Promise<void> {
	const { config, transport } = mailSettings();
	if (!config || !transport) throw new Error('Mail is not configured (SMTP_URL, MAIL_FROM).');
	await transport.sendMail({
		from: config.from,
		to: mail.to,
		subject: mail.subject,
		text: mail.text,
		headers: { 'Auto-Submitted': 'auto-generated' }
	});
}

/** Sends after the current request has been answered; a failure is logged, never thrown. */
export function sendLater(mail: Mail, what: string): void {
	setImmediate(() => {
		send(mail).then(
			() => log.info({ what }, 'mail sent'),
			(error: unknown) => log.error({ err: error, what }, 'mail could not be sent')
		);
	});
}
