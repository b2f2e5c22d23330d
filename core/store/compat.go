package store

import "context"

// SetPrinted records one typed value (SetTyped).
func (s *Store) SetPrinted(ctx context.Context, invoiceID int64, key, value, clerk string) error {
	return s.SetTyped(ctx, invoiceID, map[string]string{key: value}, clerk)
}

// VerifyAll is Verify confirming every open error.
func (s *Store) VerifyAll(ctx context.Context, invoiceID int64, clerk string) (Verification, error) {
	inv, err := s.Get(ctx, invoiceID)
	if err != nil {
		return Verification{}, err
	}
	var codes []string
	for _, f := range OpenErrors(inv.Findings) {
		codes = append(codes, f.Code)
	}
	return s.Verify(ctx, VerifyRequest{InvoiceID: invoiceID, Clerk: clerk, Confirmed: codes})
}
