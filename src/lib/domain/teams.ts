/** Every workshop starts with these two teams; more can be added later. */
export const DEFAULT_TEAMS = [
	{ name: 'Sales', colour: '#1d4ed8' },
	{ name: 'Marketing', colour: '#b45309' }
] as const;
