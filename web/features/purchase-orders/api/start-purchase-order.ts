import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type ListPurchaseOrdersResponse,
  type StartedPurchaseOrderResponse,
  startedPurchaseOrderResponseSchema,
} from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';
import { mergeTasks } from '../../../stores/task-store';
import { purchaseOrdersQueryKey } from './purchase-orders-query';

interface UploadPurchaseOrderInput {
  csv: string;
  fileName: string;
  supplier?: string;
  poNumber?: string;
  /** Demo: a stage to fail in. */
  failAt?: string;
}

function uploadPurchaseOrder(input: UploadPurchaseOrderInput): Promise<StartedPurchaseOrderResponse> {
  const query = new URLSearchParams({ fileName: input.fileName });
  if (input.supplier) query.set('supplier', input.supplier);
  if (input.poNumber) query.set('poNumber', input.poNumber);
  if (input.failAt) query.set('failAt', input.failAt);
  return apiRequest(`/api/purchase-orders?${query}`, startedPurchaseOrderResponseSchema, {
    method: 'POST',
    rawBody: { contentType: 'text/csv', text: input.csv },
  });
}

function retryPurchaseOrder(id: string): Promise<StartedPurchaseOrderResponse> {
  return apiRequest(
    `/api/purchase-orders/${encodeURIComponent(id)}/retry`,
    startedPurchaseOrderResponseSchema,
    {
      method: 'POST',
    },
  );
}

/**
 * The started PO goes into the list and its task into the store at once, before the first event,
 * so its bars show "waiting" the moment the upload is accepted.
 */
function useShowStarted() {
  const client = useQueryClient();
  return ({ purchaseOrder, task }: StartedPurchaseOrderResponse) => {
    client.setQueryData<ListPurchaseOrdersResponse>([...purchaseOrdersQueryKey], (old) => {
      const list = old?.purchaseOrders ?? [];
      const entry = { purchaseOrder, task };
      const at = list.findIndex((e) => e.purchaseOrder.id === purchaseOrder.id);
      // A retry keeps its place in the list; a new upload goes on top.
      return { purchaseOrders: at < 0 ? [entry, ...list] : list.map((e, i) => (i === at ? entry : e)) };
    });
    // After the list knows the PO, so that the page never takes its task for someone else's upload.
    mergeTasks([task]);
  };
}

export function useUploadPurchaseOrder() {
  return useMutation({ mutationFn: uploadPurchaseOrder, onSuccess: useShowStarted() });
}

export function useRetryPurchaseOrder() {
  return useMutation({ mutationFn: retryPurchaseOrder, onSuccess: useShowStarted() });
}
