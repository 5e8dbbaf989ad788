import { queryOptions, useQuery } from '@tanstack/react-query';
import {
  getTaskType,
  type ListPurchaseOrdersResponse,
  listPurchaseOrdersResponseSchema,
  purchaseOrderDetailResponseSchema,
} from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** The registry names this key for `po_processing`, so a finished PO refreshes the list and the cards. */
export const purchaseOrdersQueryKey = getTaskType('po_processing').invalidates[0] ?? ['purchase-orders'];

function purchaseOrdersQueryOptions() {
  return queryOptions({
    queryKey: [...purchaseOrdersQueryKey],
    queryFn: ({ signal }): Promise<ListPurchaseOrdersResponse> =>
      apiRequest('/api/purchase-orders', listPurchaseOrdersResponseSchema, { signal }),
  });
}

export function usePurchaseOrders() {
  return useQuery(purchaseOrdersQueryOptions());
}

/** One PO with its line items, fetched when its details are opened. */
export function usePurchaseOrderDetail(id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...purchaseOrdersQueryKey, id],
    queryFn: ({ signal }) =>
      apiRequest(`/api/purchase-orders/${encodeURIComponent(id)}`, purchaseOrderDetailResponseSchema, {
        signal,
      }),
    enabled,
  });
}
