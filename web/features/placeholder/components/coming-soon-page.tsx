import { Construction } from 'lucide-react';
import { useEffect } from 'react';
import { Card } from '../../../components/ui/card';

export interface ComingSoonPageProps {
  title: string;
  description: string;
}

/** A page another issue fills: says so plainly instead of showing a broken screen. */
export function ComingSoonPage({ title, description }: ComingSoonPageProps) {
  useEffect(() => {
    document.title = `${title} — taskstream`;
  }, [title]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <Card className="flex items-start gap-3 p-6">
        <Construction className="size-6 shrink-0 text-amber-600" aria-hidden="true" />
        <div>
          <p className="font-medium">Coming soon</p>
          <p className="text-sm text-slate-600">{description}</p>
          <p className="mt-2 text-sm text-slate-500">
            Tasks of every type already show their live progress in the panel at the bottom right.
          </p>
        </div>
      </Card>
    </div>
  );
}
