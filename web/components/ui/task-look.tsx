import {
  FileText,
  FlaskConical,
  Globe,
  Handshake,
  type LucideIcon,
  Network,
  PenLine,
  Play,
  Search,
  Sparkles,
  Users,
} from 'lucide-react';
import { getTaskType, type TaskColor, type TaskIcon as TaskIconName, type TaskType } from '../../../protocol';

/** The registry names icons from a fixed list; a name without a component here does not compile. */
const icons: Record<TaskIconName, LucideIcon> = {
  search: Search,
  users: Users,
  'pen-line': PenLine,
  handshake: Handshake,
  globe: Globe,
  network: Network,
  'file-text': FileText,
  'flask-conical': FlaskConical,
  play: Play,
  sparkles: Sparkles,
};

export interface ColorClasses {
  /** Progress bar fill. */
  bar: string;
  /** Icon tile: tinted background and text. */
  tile: string;
  /** Card accent border. */
  accent: string;
}

/** Tailwind needs whole class names in the source: one static entry per registry colour. */
const colors: Record<TaskColor, ColorClasses> = {
  orange: { bar: 'bg-orange-500', tile: 'bg-orange-100 text-orange-700', accent: 'border-l-orange-500' },
  amber: { bar: 'bg-amber-500', tile: 'bg-amber-100 text-amber-800', accent: 'border-l-amber-500' },
  emerald: { bar: 'bg-emerald-500', tile: 'bg-emerald-100 text-emerald-700', accent: 'border-l-emerald-500' },
  pink: { bar: 'bg-pink-500', tile: 'bg-pink-100 text-pink-700', accent: 'border-l-pink-500' },
  sky: { bar: 'bg-sky-500', tile: 'bg-sky-100 text-sky-700', accent: 'border-l-sky-500' },
  violet: { bar: 'bg-violet-500', tile: 'bg-violet-100 text-violet-700', accent: 'border-l-violet-500' },
  blue: { bar: 'bg-blue-500', tile: 'bg-blue-100 text-blue-700', accent: 'border-l-blue-500' },
  teal: { bar: 'bg-teal-500', tile: 'bg-teal-100 text-teal-700', accent: 'border-l-teal-500' },
  indigo: { bar: 'bg-indigo-500', tile: 'bg-indigo-100 text-indigo-700', accent: 'border-l-indigo-500' },
  fuchsia: { bar: 'bg-fuchsia-500', tile: 'bg-fuchsia-100 text-fuchsia-700', accent: 'border-l-fuchsia-500' },
};
export function taskColors(type: TaskType): ColorClasses {
  return colors[getTaskType(type).color];
}

export interface TaskIconProps {
  type: TaskType;
  className?: string;
}

export function TaskIcon({ type, className = 'size-5' }: TaskIconProps) {
  const Icon = icons[getTaskType(type).icon];
  return <Icon className={className} aria-hidden="true" />;
}
