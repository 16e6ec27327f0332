/** The runnable Tollgate service and CLI. */
package dev.tollgate.app;
