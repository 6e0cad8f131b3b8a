/**
 * A firm's accent colour must stay readable as text and buttons on white: WCAG 2's contrast
 * ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), at least 4.5:1 as for normal text.
 */
export const MIN_ACCENT_CONTRAST = 4.5;

export const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

function channel(value: number): number {
	const c = value / 255;
	return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
	const n = Number.parseInt(hex.slice(1), 16);
	return (
		0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255)
	);
}

export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

/** Null when the colour may be the accent; otherwise why not, with its ratio. */
export function accentProblem(hex: string): string | null {
	if (!HEX_COLOUR.test(hex)) return 'Give the accent colour as #rrggbb, for example #1d4ed8.';
	const ratio = contrastRatio(hex, '#ffffff');
	if (ratio >= MIN_ACCENT_CONTRAST) return null;
	// Rounded down, so a colour just under the limit never reads as 4.5:1.
	const shown = Math.floor(ratio * 100) / 100;
	return `${hex} has a contrast of ${shown.toFixed(2)}:1 on white; text in the accent colour needs at least ${MIN_ACCENT_CONTRAST}:1 to stay readable. Choose a darker colour.`;
}

/** The style attribute that gives a page the brand's accent (a checked #rrggbb, or nothing). */
export function accentStyle(brand: { accentColour: string | null } | null): string | undefined {
	const colour = brand?.accentColour;
	return colour && HEX_COLOUR.test(colour) ? `--accent: ${colour}` : undefined;
}
