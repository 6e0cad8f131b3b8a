/**
 * The console's run-sheet: planned against actual per stage, the projected end of the day,
 * where to take time back, and the private notes. Read from and saved to the run-sheet
 * endpoint (the notes never travel in a shared document); read again when the room moves to
 * another stage and every half minute, so "running over" stays current.
 */
import type { RunSheetData, RunSheetStage } from '$lib/domain/run-sheet';
import { CONSOLE, consoleSend, read } from '$lib/client/requests';
import { Controls } from '$lib/state/action.svelte';

/** `pending` names the save on its way: a stage's key, `dayStart` or `finish`. */
export class ConsoleRunSheet extends Controls {
	data = $state.raw<RunSheetData>();
	/** Stage key of the last save that succeeded, said once in a status message. */
	saved = $state<string | null>(null);
	#timer: ReturnType<typeof setInterval>;

	constructor(
		readonly workshopId: string,
		initial: RunSheetData
	) {
		super();
		this.data = initial;
		this.#timer = setInterval(() => void this.refresh(), 30_000);
	}

	get url() {
		return `/api/workshops/${this.workshopId}/run-sheet`;
	}

	stage(key: string): RunSheetStage | undefined {
		return this.data?.stages.find((s) => s.key === key);
	}

	async refresh(): Promise<void> {
		// Offline for a moment (null): the next refresh catches up.
		const data = await read<RunSheetData>(this.url, CONSOLE);
		if (data) this.data = data;
	}

	/** Saves a stage's plan and notes; false (with `error` set) when refused, keeping the input. */
	saveStage(stageKey: string, plannedMinutes: number | string | null, notes: string) {
		return this.#save(stageKey, { action: 'stage', stageKey, plannedMinutes, notes });
	}

	saveDayStart(startsAt: string | null) {
		return this.#save('dayStart', { action: 'dayStart', startsAt });
	}

	/** The day is over: the stage the room is on stops counting (the timing report's actuals). */
	finish(): Promise<boolean> {
		return this.send('finish', async () => {
			await consoleSend('POST', `/api/workshops/${this.workshopId}/live`, { action: 'finish' });
			await this.refresh();
		});
	}

	#save(what: string, body: unknown): Promise<boolean> {
		this.saved = null;
		return this.send(what, async () => {
			const data = await consoleSend<RunSheetData | null>('POST', this.url, body, {
				unreachable: 'The server could not be reached. Your text is still here: try again.'
			});
			if (data) this.data = data;
			this.saved = what;
		});
	}

	destroy() {
		clearInterval(this.#timer);
	}
}
