/**
 * The shape of one task-type registry entry. Kept apart from the registry itself so that the
 * registry file is nothing but data, and so that `task.ts` can derive its enum from the registry.
 */

/**
 * The icons a task type may name (lucide names). A fixed list, so that the web's icon map is typed
 * `Record<TaskIcon, …>` and an icon without a component is a compile error, not a blank tile.
 */
export const taskIcons = [
  'search',
  'users',
  'pen-line',
  'handshake',
  'globe',
  'network',
  'file-text',
  'flask-conical',
  'play',
  'sparkles',
] as const;
export type TaskIcon = (typeof taskIcons)[number];

/** The Tailwind colour families a task type may name; fixed for the same reason as `taskIcons`. */
export const taskColors = [
  'orange',
  'amber',
  'emerald',
  'pink',
  'sky',
  'violet',
  'blue',
  'teal',
  'indigo',
  'fuchsia',
] as const;
export type TaskColor = (typeof taskColors)[number];

/** One scripted step of a task type's work: what the simulated worker does and the mocks replay. */
export interface TaskStep {
  /** Machine name of the stage this step belongs to (`ai_parsing`); `[a-z][a-z0-9_]*`. */
  readonly stage: string;
  /** What a person reads while this step runs ("Detecting communities..."). */
  readonly message: string;
  /** Progress `current` once this step is done, in the type's `total` units. Never decreases. */
  readonly current: number;
  /** How long the step takes at `SIMULATION_SPEED=1`, in milliseconds. */
  readonly durationMs: number;
  /** Live, type-specific data merged into `task.data` when the step is reported (batch, query, leads). */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
  /** The error a person reads when the task fails in this step (`failAt` or a random failure). */
  readonly failMessage?: string;
}

export interface TaskTypeDefinition {
  /** Title people read on cards and toasts. */
  readonly title: string;
  /** One sentence on what the task does. */
  readonly description: string;
  /** A lucide icon name, one of `taskIcons`. */
  readonly icon: TaskIcon;
  /** A Tailwind colour family for the card accent, one of `taskColors`. */
  readonly color: TaskColor;
  /** What `total` counts, for "Step 3 of 10" style labels (`batch`, `step`, `stage`). */
  readonly unit: string;
  /** Progress `total` for this type's tasks. */
  readonly total: number;
  /** TanStack Query keys to invalidate once a task of this type finishes. */
  readonly invalidates: readonly (readonly string[])[];
  /** True when the type produces rows while running that a page should refill as it goes. */
  readonly liveRows?: boolean;
  /** The scripted steps, in order; their `current` values end at `total`. */
  readonly steps: readonly TaskStep[];
  /** The result set on completion. */
  readonly result: Readonly<Record<string, string | number | boolean>>;
  /** The message people read on completion ("Completed! 47 leads found"). */
  readonly completedMessage: string;
}
