/**
 * The scheduling clock's test offset: honoured only under NODE_ENV=test, refused (and the
 * server refused start-up) anywhere else, so a production server cannot run on a moved clock.
 */
import { describe, expect, test } from 'vitest';
import { ClockConfigError, testClockOffset, today } from '../../src/lib/server/clock';
import { ConfigError, readConfig } from '../../src/lib/server/config';

describe('the test clock', () => {
	test('without the variable the clock is the real one', () => {
		expect(testClockOffset({ NODE_ENV: 'production' })).toBe(0);
	});

	test('under NODE_ENV=test the offset moves the clock', () => {
		expect(testClockOffset({ NODE_ENV: 'test', CG_TEST_CLOCK_OFFSET: '86400000' })).toBe(86400000);
		expect(today(new Date('2027-03-05T23:59:00Z'))).toBe('2027-03-05');
	});

	test('anywhere else the offset is refused, and the server does not start', () => {
		for (const NODE_ENV of ['production', 'development', undefined]) {
			expect(() => testClockOffset({ NODE_ENV, CG_TEST_CLOCK_OFFSET: '1000' })).toThrow(
				ClockConfigError
			);
			expect(() => readConfig({ NODE_ENV, CG_TEST_CLOCK_OFFSET: '1000' })).toThrow(ConfigError);
		}
		expect(() => testClockOffset({ NODE_ENV: 'test', CG_TEST_CLOCK_OFFSET: 'soon' })).toThrow(
			/whole number of milliseconds/
		);
	});
});
