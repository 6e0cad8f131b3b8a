/**
 * A real SMTP server in the test process (`smtp-server`): the app sends to it over TCP as it
 * would to any mail server, and tests read what arrived, parsed (`mailparser`).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './realtime';

export interface Mailbox {
	/** For the server's SMTP_URL. */
	url: string;
	received: ParsedMail[];
	/** Waits for the next mail to `to` after the `seen` first ones. */
	next(to: string, seen?: number): Promise<ParsedMail>;
	/** Mails to `to` so far. */
	to(address: string): ParsedMail[];
	close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
	const received: ParsedMail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, callback) {
			simpleParser(stream).then(
				(mail) => {
					received.push(mail);
					callback();
				},
				(error: Error) => callback(error)
			);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	const to = (address: string) =>
		received.filter((mail) => {
			const recipients = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
			return recipients.some((r) => r.value.some((v) => v.address === address));
		});
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		to,
		async next(address, seen = to(address).length) {
			await waitFor(`a mail to ${address}`, () => to(address).length > seen);
			return to(address)[seen]!;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
