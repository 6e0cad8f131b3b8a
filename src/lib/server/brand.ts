/**
 * The firm's brand (and a client's, which wins where set): an accent colour readable on white
 * and a logo. A logo is never stored as uploaded: it is decoded and re-encoded as PNG by
 * `sharp`, which drops EXIF, XMP and ICC metadata (a phone photo's GPS position, the software
 * that made it) and anything hidden after the image data. SVG is refused: it is a document
 * that can carry scripts and links, not a picture.
 */
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { accentProblem } from '../domain/brand';
import { db } from './db';
import { client, firm, workshop } from './db/schema';
import { RuleError } from './rules';

export const MAX_LOGO_BYTES = 1024 * 1024;
/** The stored logo fits in this square; it is shown small (a header, a PDF's corner). */
export const LOGO_BOX = 512;

type Kind = 'png' | 'jpeg' | 'webp';

/** The image type from its first bytes (never from the file name or the browser's word). */
function sniff(bytes: Uint8Array): Kind | 'svg' | null {
	const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
	if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
	if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
	if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP') {
		return 'webp';
	}
	const head = new TextDecoder().decode(bytes.slice(0, 1024)).trimStart().toLowerCase();
	if (head.startsWith('<?xml') || head.startsWith('<svg') || head.includes('<svg')) return 'svg';
	return null;
}

/** The logo as it is stored: re-encoded PNG without metadata; refused with a reason otherwise. */
export async function encodeLogo(bytes: Uint8Array): Promise<Uint8Array> {
	if (bytes.byteLength === 0) throw new RuleError('Choose a logo file to upload.');
	if (bytes.byteLength > MAX_LOGO_BYTES) {
		throw new RuleError(
			`The logo is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB; upload one of at most 1 MB.`
		);
	}
	const kind = sniff(bytes);
	if (kind === 'svg') {
		throw new RuleError(
			'SVG logos are refused: an SVG can carry scripts and links that would run for everyone who sees it. Upload a PNG, JPEG or WebP.'
		);
	}
	if (!kind) throw new RuleError('The logo must be a PNG, JPEG or WebP image.');
	try {
		// rotate() applies the EXIF orientation before the metadata goes; limitInputPixels
		// refuses a small file that would decode to a huge image.
		const output = await sharp(bytes, { limitInputPixels: 4096 * 4096, failOn: 'error' })
			.rotate()
			.resize({ width: LOGO_BOX, height: LOGO_BOX, fit: 'inside', withoutEnlargement: true })
			.png()
			.toBuffer();
		return new Uint8Array(output);
	} catch {
		throw new RuleError(
			'This file could not be read as an image (damaged, or larger than 4096 × 4096 pixels).'
		);
	}
}

export function checkAccent(colour: string): string {
	const problem = accentProblem(colour);
	if (problem) throw new RuleError(problem);
	return colour.toLowerCase();
}

/** Sets (or clears, with null) the firm's accent colour, after the contrast check. */
export async function setFirmAccent(firmId: string, colour: string | null) {
	const accentColour = colour === null ? null : checkAccent(colour);
	await db().update(firm).set({ accentColour, updatedAt: new Date() }).where(eq(firm.id, firmId));
}

export async function setFirmLogo(firmId: string, upload: Uint8Array | null) {
	const logo = upload === null ? null : await encodeLogo(upload);
	await db()
		.update(firm)
		.set({ logo, logoType: logo ? 'image/png' : null, updatedAt: new Date() })
		.where(eq(firm.id, firmId));
}

/** A client's own brand; only a client of `firmId` is changed (false otherwise). */
export async function setClientBrand(
	firmId: string,
	clientId: string,
	change: { accentColour?: string | null; logo?: Uint8Array | null }
): Promise<boolean> {
	const values: Partial<typeof client.$inferInsert> = {};
	if (change.accentColour !== undefined) {
		values.accentColour = change.accentColour === null ? null : checkAccent(change.accentColour);
	}
	if (change.logo !== undefined) {
		values.logo = change.logo === null ? null : await encodeLogo(change.logo);
		values.logoType = values.logo ? 'image/png' : null;
	}
	const updated = await db()
		.update(client)
		.set(values)
		.where(and(eq(client.id, clientId), eq(client.firmId, firmId)))
		.returning({ id: client.id });
	return updated.length > 0;
}

export interface WorkshopBrand {
	firmName: string;
	/** The client's accent where set, else the firm's; null for the product's own. */
	accentColour: string | null;
	hasLogo: boolean;
}

/** What the room sees of the firm behind a workshop. */
export async function forWorkshop(workshopId: string): Promise<WorkshopBrand | null> {
	const [row] = await db()
		.select({
			firmName: firm.name,
			firmAccent: firm.accentColour,
			clientAccent: client.accentColour,
			hasFirmLogo: firm.logoType,
			hasClientLogo: client.logoType
		})
		.from(workshop)
		.innerJoin(client, eq(client.id, workshop.clientId))
		.innerJoin(firm, eq(firm.id, client.firmId))
		.where(eq(workshop.id, workshopId))
		.limit(1);
	if (!row) return null;
	return {
		firmName: row.firmName,
		accentColour: row.clientAccent ?? row.firmAccent,
		hasLogo: (row.hasClientLogo ?? row.hasFirmLogo) !== null
	};
}

/** The logo a workshop shows (its client's, else its firm's). Callers decide who may have it. */
export async function logoForWorkshop(workshopId: string): Promise<Uint8Array | null> {
	const [row] = await db()
		.select({ clientLogo: client.logo, firmLogo: firm.logo })
		.from(workshop)
		.innerJoin(client, eq(client.id, workshop.clientId))
		.innerJoin(firm, eq(firm.id, client.firmId))
		.where(eq(workshop.id, workshopId))
		.limit(1);
	return row?.clientLogo ?? row?.firmLogo ?? null;
}

/** The firm's own logo, or one of its clients' (`clientId`), for the firm's page. */
export async function logoOf(firmId: string, clientId: string | null): Promise<Uint8Array | null> {
	if (clientId === null) {
		const [row] = await db().select({ logo: firm.logo }).from(firm).where(eq(firm.id, firmId));
		return row?.logo ?? null;
	}
	const [row] = await db()
		.select({ logo: client.logo })
		.from(client)
		.where(and(eq(client.id, clientId), eq(client.firmId, firmId)));
	return row?.logo ?? null;
}

/** A stored logo as an answer: re-encoded PNG, never sniffed as anything else, not shared by caches. */
export function logoResponse(logo: Uint8Array | null): Response {
	if (!logo) return new Response('No logo.', { status: 404 });
	return new Response(logo as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': 'image/png',
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, max-age=60'
		}
	});
}
