import { describe, expect, test } from 'vitest';
import { accentProblem, accentStyle, contrastRatio } from '../../src/lib/domain/brand';

describe('the accent colour’s contrast on white', () => {
	test('matches WCAG’s figures for black, white and a mid grey', () => {
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
		// #767676 is the lightest grey that passes 4.5:1 on white; #777777 fails.
		expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
		expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
	});

	test('a colour under 4.5:1 is refused with its ratio, rounded down', () => {
		expect(accentProblem('#777777')).toMatch(/^#777777 has a contrast of 4\.47:1 on white/);
		expect(accentProblem('#ffcc00')).toContain('1.');
		expect(accentProblem('#767676')).toBeNull();
		expect(accentProblem('#1d4ed8')).toBeNull();
	});

	test('anything but #rrggbb is refused, and never reaches a style attribute', () => {
		expect(accentProblem('red')).toContain('#rrggbb');
		expect(accentProblem('#fff; background:url(x)')).toContain('#rrggbb');
		expect(accentStyle({ accentColour: 'red;}' })).toBeUndefined();
		expect(accentStyle({ accentColour: '#1d4ed8' })).toBe('--accent: #1d4ed8');
	});
});
