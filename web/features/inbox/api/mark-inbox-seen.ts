import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type InboxResponse, inboxResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';
import { shareInboxWithOtherTabs } from '../inbox-sync';
import { inboxQueryKey } from './get-inbox';

/** `POST /api/inbox/seen`: everything finished up to `upTo` is seen, here and on every device. */
function markInboxSeen(upTo: string): Promise<InboxResponse> {
  return apiRequest('/api/inbox/seen', inboxResponseSchema, { method: 'POST', body: { upTo } });
}

export function useMarkInboxSeen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markInboxSeen,
    onSuccess: (inbox) => {
      queryClient.setQueryData(inboxQueryKey, inbox);
      shareInboxWithOtherTabs(inbox);
    },
  });
}
